import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL } from "../test/fakeServer";
import { renderApp } from "../test/render";

function conversation(ids: string[], hasNextPage: boolean) {
  return data({
    conversation: {
      id: "conv_1",
      title: "Standup",
      origin: "api",
      messageCount: 3,
      createdAt: "2024-03-01T10:00:00Z",
      status: "COMPLETE",
      messages: {
        totalCount: 3,
        pageInfo: { hasNextPage, endCursor: hasNextPage ? "m-cursor" : null },
        edges: ids.map((id, seq) => ({ node: { id, seq, speaker: "Ana", text: `text of ${id}`, timestamp: "2024-03-01T10:00:00Z" } })),
      },
    },
  });
}

describe("conversation", () => {
  it("loads pages until the linked message is there, then marks it current", async () => {
    const { calls } = fakeGraphQL({
      Conversation: (variables) => (variables.after ? conversation(["msg_3"], false) : conversation(["msg_1", "msg_2"], true)),
    });
    renderApp("/conversations/conv_1?message=msg_3");
    expect(await screen.findByRole("heading", { level: 1, name: "Standup" })).toBeInTheDocument();
    const target = (await screen.findByText("text of msg_3")).closest("li");
    expect(target).toHaveAttribute("aria-current", "true");
    expect(screen.getByText("text of msg_1").closest("li")).not.toHaveAttribute("aria-current");
    expect(calls.map((c) => c.variables.after)).toEqual([null, "m-cursor"]);
  });
});
