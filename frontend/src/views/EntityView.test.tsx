import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL, graphqlError } from "../test/fakeServer";
import { renderApp } from "../test/render";

const ana = { id: "ent_ana", name: "Ana", type: "person" };
const anna = { id: "ent_anna", name: "Anna Costa", type: "person" };

const entity = data({
  entity: {
    ...ana,
    aliases: ["Ana C."],
    createdAt: null,
    facts: { totalCount: 1, edges: [{ node: { id: "fact_city", field: "city", value: "Lyon", confidence: 0.9 } }] },
    relations: {
      totalCount: 1,
      edges: [{ node: { id: "rel_1", label: "works_at", confidence: 0.8, source: ana, target: { id: "ent_acme", name: "Acme", type: "organization" } } }],
    },
  },
});

const explanation = data({
  explain: {
    messageCount: 1,
    extractor: "local",
    messages: [{ id: "msg_7", speaker: "Ana", text: "I moved to Lyon", timestamp: null, conversation: { id: "conv_1", title: "Standup" } }],
    producedBy: { id: "job_1", status: "COMPLETE", extractor: "local", createdAt: "2024-03-01T10:00:00Z" },
    jobs: [{ id: "job_1", status: "COMPLETE", stage: "done", extractor: "local", createdAt: "2024-03-01T10:00:00Z", conversationId: "conv_1" }],
    decisions: [],
    merges: [],
  },
});

const merge = { id: "mrg_1", sourceId: "ent_ana", targetId: "ent_anna", status: "ACTIVE", movedFacts: 1, movedRelations: 1 };

describe("entity", () => {
  it("shows facts and relations, and a fact's provenance when it is clicked", async () => {
    const { calls } = fakeGraphQL({ Entity: () => entity, Merges: () => data({ merges: [] }), Explain: () => explanation });
    const { user } = renderApp("/entities/ent_ana");
    expect(await screen.findByRole("heading", { level: 1, name: "Ana" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Acme" })).toHaveAttribute("href", "/entities/ent_acme");
    expect(screen.getByRole("link", { name: "Open in graph" })).toHaveAttribute("href", "/graph/ent_ana");

    await user.click(screen.getByRole("button", { name: "Lyon" }));
    const panel = (await screen.findByRole("heading", { name: "Provenance" })).closest("aside");
    expect(await within(panel!).findByRole("link", { name: "Standup" })).toHaveAttribute("href", "/conversations/conv_1?message=msg_7");
    expect(panel).toHaveTextContent("I moved to Lyon");
    expect(calls.find((c) => c.operationName === "Explain")?.variables).toEqual({ id: "fact_city" });

    await user.click(screen.getByRole("button", { name: "Why works_at Acme?" }));
    await waitFor(() => expect(calls.filter((c) => c.operationName === "Explain").at(-1)?.variables).toEqual({ id: "rel_1" }));
  });

  it("merges into a picked entity and can undo it", async () => {
    const { calls } = fakeGraphQL({
      Entity: () => entity,
      Merges: () => data({ merges: [] }),
      EntitySearch: () => data({ entities: { edges: [{ node: ana }, { node: anna }] } }),
      MergeEntities: () => data({ mergeEntities: merge }),
      UndoMerge: () => data({ undoMerge: { id: "mrg_1", status: "UNDONE", undoneAt: "2024-03-02T00:00:00Z" } }),
    });
    const { user } = renderApp("/entities/ent_ana");
    await user.click(await screen.findByRole("button", { name: "Merge into…" }));
    const dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("Target entity"), "ann");
    await user.click(await within(dialog).findByRole("button", { name: /Anna Costa/ }));
    expect(within(dialog).queryByRole("button", { name: /^Ana/ })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Merge" }));

    await user.click(await screen.findByRole("button", { name: "Undo merge" }));
    await waitFor(() => expect(calls.some((c) => c.operationName === "UndoMerge")).toBe(true));
    expect(calls.find((c) => c.operationName === "MergeEntities")?.variables).toEqual({ sourceId: "ent_ana", targetId: "ent_anna" });
    expect(calls.find((c) => c.operationName === "UndoMerge")?.variables).toEqual({ mergeId: "mrg_1" });
  });

  it("undoes a past merge only after confirmation, and shows a CONFLICT", async () => {
    const { calls } = fakeGraphQL({
      Entity: () => entity,
      Merges: () => data({ merges: [{ ...merge, createdAt: "2024-03-01T00:00:00Z", undoneAt: null, movedMentions: 2 }] }),
      UndoMerge: () => graphqlError("CONFLICT", "Undo mrg_2 first"),
    });
    const { user } = renderApp("/entities/ent_ana");
    await user.click(await screen.findByRole("button", { name: "Undo this merge" }));
    expect(calls.some((c) => c.operationName === "UndoMerge")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Yes, undo it" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("CONFLICT");
    expect(alert).toHaveTextContent("Undo mrg_2 first");
  });

  it("shows NOT_FOUND with a Retry button", async () => {
    fakeGraphQL({ Entity: () => data({ entity: null }), Merges: () => data({ merges: [] }) });
    renderApp("/entities/ent_gone");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("NOT_FOUND");
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });
});
