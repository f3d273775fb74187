import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { data, fakeGraphQL, graphqlError } from "../test/fakeServer";
import { renderApp } from "../test/render";

// WebGL does not exist in jsdom: a stand-in renderer records what the view asks of sigma.
const sigmas = vi.hoisted(() => [] as Array<{ handlers: Map<string, (payload: unknown) => void>; graph: { order: number } }>);
vi.mock("sigma", () => ({
  default: class {
    handlers = new Map<string, (payload: unknown) => void>();
    constructor(public graph: { order: number }) {
      sigmas.push(this);
    }
    on(event: string, handler: (payload: unknown) => void) {
      this.handlers.set(event, handler);
    }
    off(event: string) {
      this.handlers.delete(event);
    }
    setSetting() {}
    refresh() {}
    kill() {}
  },
}));

const root = { id: "ent_0", name: "Ana", type: "person" };

function relations(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    node: { id: `rel_${i}`, label: "knows", source: root, target: { id: `ent_${i + 1}`, name: `Person ${i + 1}`, type: "person" } },
  }));
}

describe("graph", () => {
  it("starts from the entity with at most 25 neighbours; Show more, Expand buttons and clicks add the rest", async () => {
    const { calls } = fakeGraphQL({
      GraphNode: () => data({ entity: root }),
      GraphNeighbourDegrees: (variables) =>
        data({
          entity: {
            id: variables.id,
            neighbors: {
              edges: Array.from({ length: 30 }, (_, i) => ({ node: { id: `ent_${i + 1}`, relations: { totalCount: i + 1 === 5 ? 2 : 1 } } })),
            },
          },
        }),
      GraphRelations: (variables) =>
        data({
          entity: {
            id: variables.id,
            relations: {
              pageInfo: { hasNextPage: false, endCursor: null },
              edges: variables.id === "ent_0" ? relations(30) : [{ node: { id: "rel_x", label: "knows", source: { id: "ent_5", name: "Person 5", type: "person" }, target: { id: "ent_99", name: "Zoe", type: "person" } } }],
            },
          },
        }),
    });
    const { user } = renderApp("/graph/ent_0");
    expect(await screen.findByTestId("graph-canvas")).toBeInTheDocument();
    expect(await screen.findByText("26 nodes")).toHaveAttribute("aria-live", "polite");
    expect(screen.getByRole("link", { name: "Open entity" })).toHaveAttribute("href", "/entities/ent_0");

    await user.click(screen.getByRole("button", { name: /Show more/ }));
    expect(await screen.findByText("31 nodes")).toBeInTheDocument();
    expect(screen.getByText("All neighbours shown.")).toBeInTheDocument();

    // Person 5 is the one neighbour with a relation not shown yet, so it comes first.
    const expandButtons = await screen.findAllByRole("button", { name: /^Expand / });
    expect(expandButtons[0]).toHaveTextContent("Expand Person 5");
    await user.click(expandButtons[0]!);
    expect(await screen.findByText("32 nodes")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Person 5" })).toBeInTheDocument();
    await waitFor(() => expect(calls.filter((c) => c.operationName === "GraphRelations").map((c) => c.variables.id)).toEqual(["ent_0", "ent_5"]));

    // Clicking a node on the canvas selects and expands it too.
    sigmas.at(-1)!.handlers.get("clickNode")?.({ node: "ent_7" });
    expect(await screen.findByRole("heading", { level: 2, name: "Person 7" })).toBeInTheDocument();
    await waitFor(() => expect(calls.filter((c) => c.operationName === "GraphRelations").map((c) => c.variables.id)).toContain("ent_7"));
    expect(sigmas).toHaveLength(1);
  });

  it("shows a failed expansion and a failed neighbour lookup with their codes, each retried", async () => {
    let relationCalls = 0;
    let degreeCalls = 0;
    const { calls } = fakeGraphQL({
      GraphNode: () => data({ entity: root }),
      GraphNeighbourDegrees: (variables) =>
        ++degreeCalls === 1
          ? graphqlError("UNAVAILABLE", "Neo4j is busy")
          : data({ entity: { id: variables.id, neighbors: { edges: [{ node: { id: "ent_1", relations: { totalCount: 3 } } }] } } }),
      GraphRelations: (variables) =>
        ++relationCalls === 1
          ? graphqlError("UNAVAILABLE", "Neo4j is not reachable")
          : data({ entity: { id: variables.id, relations: { pageInfo: { hasNextPage: false, endCursor: null }, edges: relations(3) } } }),
    });
    const { user } = renderApp("/graph/ent_0");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("UNAVAILABLE");
    expect(alert).toHaveTextContent("Neo4j is not reachable");
    expect(screen.getByText("1 node")).toBeInTheDocument();

    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("4 nodes")).toBeInTheDocument();
    expect(calls.filter((c) => c.operationName === "GraphRelations")).toHaveLength(2);

    const degreesAlert = await screen.findByRole("alert");
    expect(degreesAlert).toHaveTextContent("Neo4j is busy");
    await user.click(within(degreesAlert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("button", { name: "Expand Person 1" })).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
