import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { getToken, TOKEN_KEY } from "../api/token";
import { data, fakeGraphQL, graphqlError } from "../test/fakeServer";
import { renderApp } from "../test/render";

const emptyConversations = data({ conversations: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } });

describe("sign in", () => {
  it("sends a signed-out visitor to /signin", async () => {
    fakeGraphQL({});
    renderApp("/search", { token: null });
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("/signin");
  });

  it("checks the token, keeps it and opens the conversations", async () => {
    const { calls } = fakeGraphQL({
      HealthCheck: () => data({ health: { neo4j: { ok: true } } }),
      Conversations: () => emptyConversations,
    });
    const { user } = renderApp("/signin", { token: null });
    await user.type(screen.getByLabelText("API token"), "  good-token ");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Conversations" })).toBeInTheDocument();
    expect(localStorage.getItem(TOKEN_KEY)).toBe("good-token");
    expect(calls[0]?.headers.get("Authorization")).toBe("Bearer good-token");
  });

  it("shows UNAUTHENTICATED for a wrong token and keeps nothing", async () => {
    fakeGraphQL({ HealthCheck: () => graphqlError("UNAUTHENTICATED", "Invalid or revoked token", 401) });
    const { user } = renderApp("/signin", { token: null });
    await user.type(screen.getByLabelText("API token"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("UNAUTHENTICATED");
    expect(alert).toHaveTextContent("Invalid or revoked token");
    expect(getToken()).toBeNull();
    expect(screen.getByTestId("location")).toHaveTextContent("/signin");
  });

  it("signs out when any request answers 401", async () => {
    fakeGraphQL({ Health: () => graphqlError("UNAUTHENTICATED", "Token revoked", 401) });
    renderApp("/status", { token: "revoked" });
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
    expect(getToken()).toBeNull();
  });

  it("signs out with the Sign out button", async () => {
    fakeGraphQL({ Conversations: () => emptyConversations });
    const { user } = renderApp("/conversations");
    await user.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
    expect(getToken()).toBeNull();
  });
});
