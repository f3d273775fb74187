import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL } from "../test/fakeServer";
import { renderApp } from "../test/render";

const offlineLlm = {
  provider: "none",
  model: null,
  ok: true,
  latencyMs: null,
  error: null,
  extractor: "local",
  answerer: "extractive",
  checkedAt: null,
};

function health(llm: Record<string, unknown>) {
  return data({
    health: {
      neo4j: { ok: true, version: "5.26.0", edition: "community", error: null },
      redis: { ok: true, version: "7.2.4", error: null },
      worker: { ok: true, lastHeartbeat: "2024-03-01T10:00:00Z" },
      llm,
    },
  });
}

describe("status", () => {
  it("shows each service with an ok or down badge", async () => {
    fakeGraphQL({
      Health: () =>
        data({
          health: {
            neo4j: { ok: true, version: "5.26.0", edition: "community", error: null },
            redis: { ok: false, version: null, error: "Connection refused" },
            worker: { ok: true, lastHeartbeat: "2024-03-01T10:00:00Z" },
            llm: offlineLlm,
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

  it("says plainly when no LLM is configured, and how to turn one on", async () => {
    fakeGraphQL({ Health: () => health(offlineLlm) });
    renderApp("/status");
    const llm = (await screen.findByRole("heading", { name: /LLM/ })).closest("section")!;
    expect(within(llm).getByText("offline")).toBeInTheDocument();
    expect(within(llm).queryByText("ok")).not.toBeInTheDocument();
    expect(within(llm).queryByText("down")).not.toBeInTheDocument();
    expect(llm).toHaveTextContent(/offline with the local extractor/);
    expect(llm).toHaveTextContent(/fewer facts and relations than an LLM/);
    expect(llm).toHaveTextContent(/Answers quote the conversations/);
    expect(llm).toHaveTextContent("LIBRARIAN_LLM_PROVIDER");
    expect(llm).toHaveTextContent("ANTHROPIC_API_KEY / OPENAI_API_KEY");
    // The other services keep their ok badges: three of them.
    expect(screen.getAllByText("ok", { exact: true })).toHaveLength(3);
  });

  it("shows the LLM's provider, model, latency and who extracts and answers, with its error when it is down", async () => {
    fakeGraphQL({
      Health: () =>
        health({
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          ok: false,
          latencyMs: 1234.6,
          error: "LLM_AUTH: invalid x-api-key",
          extractor: "anthropic",
          answerer: "anthropic",
          checkedAt: "2024-03-01T10:00:00Z",
        }),
    });
    renderApp("/status");
    const llm = (await screen.findByRole("heading", { name: /LLM/ })).closest("section")!;
    expect(within(llm).getByText("down")).toBeInTheDocument();
    expect(llm).toHaveTextContent("Anthropic · claude-sonnet-4-5");
    expect(llm).toHaveTextContent("Latency: 1,235 ms");
    expect(within(llm).getByText(/LLM_AUTH: invalid x-api-key/)).toHaveClass("error-inline");
    expect(llm).toHaveTextContent("Extracts: Anthropic");
    expect(llm).toHaveTextContent("Answers: Anthropic");
    expect(llm).not.toHaveTextContent("LIBRARIAN_LLM_PROVIDER");
  });

  it("shows an LLM that answers with an ok badge", async () => {
    fakeGraphQL({
      Health: () =>
        health({
          provider: "openai",
          model: "gpt-4o-mini",
          ok: true,
          latencyMs: 212,
          error: null,
          extractor: "openai",
          answerer: "openai",
          checkedAt: "2024-03-01T10:00:00Z",
        }),
    });
    renderApp("/status");
    const llm = (await screen.findByRole("heading", { name: /LLM/ })).closest("section")!;
    expect(within(llm).getByText("ok")).toBeInTheDocument();
    expect(llm).toHaveTextContent("OpenAI · gpt-4o-mini");
    expect(llm).toHaveTextContent("Latency: 212 ms");
    expect(llm.querySelector(".error-inline")).toBeNull();
  });

  it("shows a skeleton while loading", () => {
    fakeGraphQL({ Health: () => new Promise(() => undefined) });
    renderApp("/status");
    expect(screen.getByRole("status", { name: "Loading" })).toBeInTheDocument();
  });
});
