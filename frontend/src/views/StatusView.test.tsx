import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL } from "../test/fakeServer";
import { renderApp } from "../test/render";

describe("status", () => {
  it("shows each service with an ok or down badge", async () => {
    fakeGraphQL({
      Health: () =>
        data({
          health: {
            neo4j: { ok: true, version: "5.26.0", edition: "community", error: null },
            redis: { ok: false, version: null, error: "Connection refused" },
            worker: { ok: true, lastHeartbeat: "2024-03-01T10:00:00Z" },
          },
        }),
    });
    renderApp("/status");
    const neo4j = (await screen.findByRole("heading", { name: /Neo4j/ })).closest("section")!;
    expect(within(neo4j).getByText("ok")).toBeInTheDocument();
    expect(neo4j).toHaveTextContent("5.26.0 community");
    const redis = screen.getByRole("heading", { name: /Redis/ }).closest("section")!;
    expect(within(redis).getByText("down")).toBeInTheDocument();
    expect(redis).toHaveTextContent("Connection refused");
  });

  it("shows a skeleton while loading", () => {
    fakeGraphQL({ Health: () => new Promise(() => undefined) });
    renderApp("/status");
    expect(screen.getByRole("status", { name: "Loading" })).toBeInTheDocument();
  });
});
