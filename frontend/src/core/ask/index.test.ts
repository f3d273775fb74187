import { describe, expect, it } from "vitest";
import { askReducer, initialAskState, type AskState } from ".";
import { ApiError } from "../../api/errors";

describe("askReducer", () => {
  it("appends tokens while streaming, then takes the final answer", () => {
    let state: AskState = askReducer(initialAskState, { type: "start", question: "Where?" });
    state = askReducer(state, { type: "event", event: { __typename: "AskToken", text: "Ana lives " } });
    state = askReducer(state, { type: "event", event: { __typename: "AskToken", text: "in Lyon" } });
    expect(state).toMatchObject({ text: "Ana lives in Lyon", phase: "streaming" });
    state = askReducer(state, {
      type: "event",
      event: {
        __typename: "AskAnswer",
        text: "Ana lives in Lyon [1].",
        found: true,
        answerer: "extractive",
        notice: null,
        llmCalls: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        followUps: [],
        citations: [],
      },
    });
    expect(state).toMatchObject({ text: "Ana lives in Lyon [1].", phase: "done" });
  });

  it("keeps what arrived when the stream fails", () => {
    let state = askReducer(initialAskState, { type: "start", question: "Where?" });
    state = askReducer(state, { type: "event", event: { __typename: "AskToken", text: "Ana" } });
    state = askReducer(state, { type: "error", error: new ApiError("UNAVAILABLE", "Redis is down") });
    expect(state).toMatchObject({ text: "Ana", phase: "failed" });
    expect(state.error?.code).toBe("UNAVAILABLE");
  });
});
