import { describe, expect, it } from "vitest";
import { flattenGroups, groupHits, hitHref, moveActive, type SearchHit } from ".";

function hit(partial: Partial<SearchHit> & Pick<SearchHit, "kind" | "score">): SearchHit {
  return { snippet: { text: "", parts: [] }, message: null, entity: null, fact: null, ...partial };
}

const message = { id: "msg_1", speaker: "Ana", timestamp: null, conversation: { id: "conv_1", title: "Standup" } };
const entity = { id: "ent_1", name: "Ana", type: "person" };

describe("groupHits", () => {
  it("groups entities, facts and messages in that order, best first, without empty groups", () => {
    const groups = groupHits([
      hit({ kind: "MESSAGE", score: 0.1, message }),
      hit({ kind: "ENTITY", score: 0.2, entity }),
      hit({ kind: "MESSAGE", score: 0.3, message }),
    ]);
    expect(groups.map((g) => g.heading)).toEqual(["Entities", "Messages"]);
    expect(groups[1]?.hits.map((h) => h.score)).toEqual([0.3, 0.1]);
    expect(flattenGroups(groups).map((h) => h.kind)).toEqual(["ENTITY", "MESSAGE", "MESSAGE"]);
  });
});

describe("hitHref", () => {
  it("opens entities, a fact's entity, and a message in its conversation", () => {
    expect(hitHref(hit({ kind: "ENTITY", score: 1, entity }))).toBe("/entities/ent_1");
    expect(
      hitHref(hit({ kind: "FACT", score: 1, entity, message, fact: { id: "fact_1", field: "city", value: "Lyon" } })),
    ).toBe("/entities/ent_1");
    expect(hitHref(hit({ kind: "MESSAGE", score: 1, message }))).toBe("/conversations/conv_1?message=msg_1");
  });
});

describe("moveActive", () => {
  it("starts at the first or last result and wraps", () => {
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
    expect(moveActive(0, 1, 0)).toBe(-1);
  });
});
