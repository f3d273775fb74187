import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeGraphQL } from "../test/fakeServer";
import { fakeWebSocket } from "../test/fakeWebSocket";
import { renderApp } from "../test/render";

const answer = {
  __typename: "AskAnswer",
  text: "Ana moved to Lyon [1].",
  found: true,
  answerer: "extractive",
  method: "PASSAGE",
  basis: null,
  notice: null,
  llmCalls: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  followUps: ["Where does Ana work?"],
  citations: [
    {
      number: 1,
      message: { id: "msg_7", speaker: "Ana", timestamp: null, text: "I moved to Lyon", conversation: { id: "conv_1", title: "Standup" } },
    },
  ],
};

describe("ask", () => {
  it("streams the answer token by token, then links its citations", async () => {
    fakeGraphQL({});
    let finish: () => void = () => undefined;
    const socket = fakeWebSocket((_operation, emit) => {
      emit.next({ ask: { __typename: "AskToken", text: "Ana moved " } });
      emit.next({ ask: { __typename: "AskToken", text: "to Lyon" } });
      finish = () => {
        emit.next({ ask: answer });
        emit.complete();
      };
    });
    const { user } = renderApp("/ask", { token: "tok-9" });
    await user.type(screen.getByLabelText("Question"), "Where does Ana live?");
    await user.click(screen.getByRole("button", { name: "Ask" }));

    const output = await screen.findByTestId("answer");
    await waitFor(() => expect(output).toHaveTextContent("Ana moved to Lyon"));
    expect(output).toHaveAttribute("aria-busy", "true");
    expect(output).toHaveAttribute("aria-live", "polite");
    expect(socket.connectionParams).toEqual([{ Authorization: "Bearer tok-9" }]);
    expect(socket.subscriptions[0]?.variables).toEqual({ question: "Where does Ana live?" });

    finish();
    const citation = await screen.findByRole("link", { name: "[1]" });
    expect(citation).toHaveAttribute("href", "/conversations/conv_1?message=msg_7");
    expect(output).toHaveTextContent("Ana moved to Lyon [1].");
    expect(output).toHaveAttribute("aria-busy", "false");
    // The offline answerer answered with a quoted sentence: no note, no basis line, no LLM usage.
    expect(screen.queryByRole("note")).not.toBeInTheDocument();
    expect(screen.queryByTestId("answer-basis")).not.toBeInTheDocument();
    expect(screen.queryByText(/^From (the graph|a message): /)).not.toBeInTheDocument();
    expect(screen.queryByText(/LLM call/)).not.toBeInTheDocument();
  });

  it("shows what a fact answer's value is of, under the answer", async () => {
    fakeGraphQL({});
    fakeWebSocket((_operation, emit) => {
      emit.next({ ask: { ...answer, text: "Kiwi [1].", method: "FACT", basis: "Maya's pet" } });
      emit.complete();
    });
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "What is Maya's pet called?");
    await user.click(screen.getByRole("button", { name: "Ask" }));

    const basis = await screen.findByText("From the graph: Maya's pet");
    const output = screen.getByTestId("answer");
    expect(output).toHaveTextContent("Kiwi [1].");
    expect(output).not.toHaveTextContent("Maya's pet");
    // Directly under the answer, inside its card; the citations are still listed.
    expect(output.nextElementSibling).toBe(basis);
    expect(within(screen.getByRole("region", { name: "Answer" })).getByText("From the graph: Maya's pet")).toBe(basis);
    expect(screen.getByRole("link", { name: "[1]" })).toHaveAttribute("href", "/conversations/conv_1?message=msg_7");
  });

  it("quotes the sentence a passage answer's value was read from, with who said it and when", async () => {
    fakeGraphQL({});
    const sentence = "“We flew into Halifax on Friday.” — Bernie, 25 Jun 2023";
    fakeWebSocket((_operation, emit) => {
      emit.next({ ask: { ...answer, text: "Halifax [1].", method: "PASSAGE", basis: sentence } });
      emit.complete();
    });
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Where did Bernie fly into?");
    await user.click(screen.getByRole("button", { name: "Ask" }));

    const basis = await screen.findByText(`From a message: ${sentence}`);
    expect(screen.getByTestId("answer").nextElementSibling).toBe(basis);
    expect(screen.queryByText(/^From the graph: /)).not.toBeInTheDocument();
  });

  it("shows no basis line under an LLM answer", async () => {
    fakeGraphQL({});
    fakeWebSocket((_operation, emit) => {
      emit.next({ ask: { ...answer, answerer: "anthropic", method: "LLM", basis: null, llmCalls: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.0001 } });
      emit.complete();
    });
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Where does Ana live?");
    await user.click(screen.getByRole("button", { name: "Ask" }));

    expect(await screen.findByText(/1 LLM call/)).toBeInTheDocument();
    expect(screen.queryByTestId("answer-basis")).not.toBeInTheDocument();
    expect(screen.queryByText(/^From (the graph|a message): /)).not.toBeInTheDocument();
  });

  it("shows what the LLM used and cost under its answer", async () => {
    fakeGraphQL({});
    fakeWebSocket((_operation, emit) => {
      emit.next({ ask: { ...answer, answerer: "anthropic", method: "LLM", llmCalls: 1, inputTokens: 1312, outputTokens: 68, costUsd: 0.0024 } });
      emit.complete();
    });
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Where does Ana live?");
    await user.click(screen.getByRole("button", { name: "Ask" }));

    expect(await screen.findByText("1 LLM call · 1,312 tokens in · 68 out · $0.0024")).toBeInTheDocument();
    expect(screen.queryByRole("note")).not.toBeInTheDocument();
  });

  it("shows the notice above the answer when the LLM could not answer", async () => {
    fakeGraphQL({});
    const notice = "The LLM could not answer (Anthropic is unreachable); this answer quotes the conversations instead.";
    fakeWebSocket((_operation, emit) => {
      emit.next({ ask: { ...answer, notice, llmCalls: 2, inputTokens: 2500, outputTokens: 0, costUsd: 0.0075 } });
      emit.complete();
    });
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Where does Ana live?");
    await user.click(screen.getByRole("button", { name: "Ask" }));

    const note = await screen.findByRole("note");
    expect(note).toHaveTextContent(notice);
    const output = screen.getByTestId("answer");
    expect(output).toHaveTextContent("Ana moved to Lyon [1].");
    // Above the answer, inside its card.
    expect(note.compareDocumentPosition(output) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "Answer" })).getByRole("note")).toBe(note);
    expect(screen.getByText("2 LLM calls · 2,500 tokens in · 0 out · $0.0075")).toBeInTheDocument();
  });

  it("asks a follow-up question when it is clicked", async () => {
    fakeGraphQL({});
    const socket = fakeWebSocket((_operation, emit) => {
      emit.next({ ask: answer });
      emit.complete();
    });
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Where does Ana live?");
    await user.click(screen.getByRole("button", { name: "Ask" }));
    await user.click(await screen.findByRole("button", { name: "Where does Ana work?" }));

    await waitFor(() => expect(socket.subscriptions).toHaveLength(2));
    expect(socket.subscriptions[1]?.variables).toEqual({ question: "Where does Ana work?" });
    expect(screen.getByLabelText("Question")).toHaveValue("Where does Ana work?");
  });

  it("shows a stream error with its code", async () => {
    fakeGraphQL({});
    fakeWebSocket((_operation, emit) => emit.error([{ message: "Search is down", extensions: { code: "UNAVAILABLE" } }]));
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Anything?");
    await user.click(screen.getByRole("button", { name: "Ask" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("UNAVAILABLE");
    expect(alert).toHaveTextContent("Search is down");
  });

  it("signs out when the socket rejects the token", async () => {
    fakeGraphQL({});
    fakeWebSocket((_operation, emit) => emit.error([{ message: "Invalid token", extensions: { code: "UNAUTHENTICATED" } }]));
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Anything?");
    await user.click(screen.getByRole("button", { name: "Ask" }));
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
  });

  it("shows a NETWORK error with Retry when the socket drops mid-answer, without asking again", async () => {
    fakeGraphQL({});
    const socket = fakeWebSocket((_operation, emit) => {
      emit.next({ ask: { __typename: "AskToken", text: "Ana moved " } });
      // The connection drops (1006 is one that graphql-ws would reconnect and re-subscribe after).
      socket.sockets.at(-1)?.serverClose(1006);
    });
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Where does Ana live?");
    await user.click(screen.getByRole("button", { name: "Ask" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("NETWORK");
    // Long enough for graphql-ws's quickest reconnect: the question is not run a second time.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(socket.subscriptions).toHaveLength(1);
    expect(socket.sockets).toHaveLength(1);
    expect(screen.getByTestId("answer").textContent).toBe("Ana moved ");
    expect(screen.getByTestId("answer")).toHaveAttribute("aria-busy", "false");

    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(socket.subscriptions).toHaveLength(2));
  });

  it("shows an error with a code when the stream ends without an answer", async () => {
    fakeGraphQL({});
    fakeWebSocket((_operation, emit) => emit.complete());
    const { user } = renderApp("/ask");
    await user.type(screen.getByLabelText("Question"), "Anything?");
    await user.click(screen.getByRole("button", { name: "Ask" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("INTERNAL");
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });

  it("signs out without reconnecting when the server refuses the socket's token (4403)", async () => {
    fakeGraphQL({});
    const socket = fakeWebSocket(() => undefined, { rejectInit: { code: 4403, reason: "Forbidden" } });
    const { user } = renderApp("/ask", { token: "revoked" });
    await user.type(screen.getByLabelText("Question"), "Anything?");
    await user.click(screen.getByRole("button", { name: "Ask" }));
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
    expect(screen.queryByText(/FORBIDDEN/)).not.toBeInTheDocument();
    expect(socket.sockets).toHaveLength(1);
  });
});
