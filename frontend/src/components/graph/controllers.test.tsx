import { render } from "@testing-library/react";
import Graph from "graphology";
import type Sigma from "sigma";
import { addEntity, type EdgeAttributes, type EntityGraph, type NodeAttributes } from "../../core/graph";
import { GraphContext } from "./context";
import { LayoutRunner } from "./controllers";

const runs = vi.hoisted(() => ({ started: 0 }));

vi.mock("graphology-layout-forceatlas2/worker", () => ({
  default: class {
    start() {
      runs.started += 1;
    }
    stop() {}
    kill() {}
  },
}));

function graphOf(nodes: number): EntityGraph {
  const graph: EntityGraph = new Graph({ type: "undirected", multi: true });
  for (let i = 0; i < nodes; i += 1) {
    addEntity(graph, { id: `ent_${i}`, name: `Entity ${i}`, type: "person" }, { x: i, y: 0 });
  }
  return graph;
}

function layout(graph: EntityGraph, runKey: number) {
  const sigma = {} as Sigma<NodeAttributes, EdgeAttributes>;
  return (
    <GraphContext.Provider value={{ graph, sigma }}>
      <LayoutRunner runKey={runKey} maxNodes={50} />
    </GraphContext.Provider>
  );
}

beforeEach(() => {
  vi.stubGlobal("Worker", class {});
  runs.started = 0;
});

test("lays the graph out again after each expansion", () => {
  const graph = graphOf(10);
  const { rerender } = render(layout(graph, 1));
  rerender(layout(graph, 2));
  expect(runs.started).toBe(2);
});

test("leaves a graph past the size limit where its expansions put it", () => {
  const graph = graphOf(51);
  const { rerender } = render(layout(graph, 1));
  rerender(layout(graph, 2));
  expect(runs.started).toBe(0);
});
