import Graph from "graphology";
import { describe, expect, it } from "vitest";
import { addEntity, expandableNeighbours, expandNode, neighboursOf, type EdgeAttributes, type GraphRelation, type NodeAttributes } from ".";

const center = { id: "ent_0", name: "Ana", type: "person" };

function relationsTo(count: number, offset = 0): GraphRelation[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `rel_${i + offset}`,
    label: "knows",
    source: center,
    target: { id: `ent_${i + 1 + offset}`, name: `Person ${i + 1 + offset}`, type: "person" },
  }));
}

function startGraph() {
  const graph = new Graph<NodeAttributes, EdgeAttributes>({ multi: true, type: "directed" });
  addEntity(graph, center, { x: 0, y: 0 });
  return graph;
}

describe("neighboursOf", () => {
  it("lists each linked entity once, with all its relations, in either direction", () => {
    const bob = { id: "ent_b", name: "Bob", type: "person" };
    const neighbours = neighboursOf("ent_0", [
      { id: "rel_1", label: "knows", source: center, target: bob },
      { id: "rel_2", label: "works_with", source: bob, target: center },
      { id: "rel_3", label: "self", source: center, target: center },
    ]);
    expect(neighbours).toHaveLength(1);
    expect(neighbours[0]?.relations.map((r) => r.id)).toEqual(["rel_1", "rel_2"]);
  });
});

describe("expandNode", () => {
  it("adds at most 25 neighbours and returns the rest for Show more", () => {
    const graph = startGraph();
    const result = expandNode(graph, "ent_0", neighboursOf("ent_0", relationsTo(30)));
    expect(result.added).toHaveLength(25);
    expect(result.rest.map((n) => n.entity.id)).toEqual(["ent_26", "ent_27", "ent_28", "ent_29", "ent_30"]);
    expect(graph.order).toBe(26);
    expect(graph.size).toBe(25);

    const more = expandNode(graph, "ent_0", result.rest);
    expect(more.added).toHaveLength(5);
    expect(more.rest).toEqual([]);
    expect(graph.order).toBe(31);
  });

  it("never duplicates nodes or edges when expanded again", () => {
    const graph = startGraph();
    const neighbours = neighboursOf("ent_0", relationsTo(10));
    expandNode(graph, "ent_0", neighbours);
    const again = expandNode(graph, "ent_0", neighbours);
    expect(again.added).toEqual([]);
    expect(graph.order).toBe(11);
    expect(graph.size).toBe(10);
  });

  it("links to neighbours already shown without counting them against the cap", () => {
    const graph = startGraph();
    expandNode(graph, "ent_0", neighboursOf("ent_0", relationsTo(3)));
    const bob = { id: "ent_1", name: "Person 1", type: "person" };
    const carol = { id: "ent_2", name: "Person 2", type: "person" };
    const fromBob = [{ id: "rel_x", label: "knows", source: bob, target: carol }];
    const result = expandNode(graph, "ent_1", neighboursOf("ent_1", fromBob), 1);
    expect(result.added).toEqual([]);
    expect(graph.hasEdge("rel_x")).toBe(true);
  });
});

describe("expandableNeighbours", () => {
  it("lists unexpanded neighbours with the most unseen relations first", () => {
    const graph = startGraph();
    expandNode(graph, "ent_0", neighboursOf("ent_0", relationsTo(4)));
    const totals = new Map([
      ["ent_1", 1],
      ["ent_2", 6],
      ["ent_3", 3],
      ["ent_4", 9],
    ]);
    const expanded = new Set(["ent_0", "ent_4"]);
    const ranked = expandableNeighbours(graph, "ent_0", totals, (id) => expanded.has(id), 2);
    expect(ranked).toEqual([
      { id: "ent_2", label: "Person 2", unseen: 5 },
      { id: "ent_3", label: "Person 3", unseen: 2 },
    ]);
  });
});
