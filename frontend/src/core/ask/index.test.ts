import { describe, expect, it } from "vitest";
import { askReducer, basisLine, initialAskState, type AskState } from ".";
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
        method: "PASSAGE",
        basis: null,
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

describe("basisLine", () => {
  it("labels the basis by how the answer was made", () => {
    expect(basisLine({ method: "FACT", basis: "Maya's pet" })).toBe("From the graph: Maya's pet");
    expect(basisLine({ method: "PASSAGE", basis: "“We flew into Halifax.” — Bernie, 25 Jun 2023" })).toBe(
      "From a message: “We flew into Halifax.” — Bernie, 25 Jun 2023",
    );
  });

  it("is null when the answer has no basis", () => {
    expect(basisLine({ method: "PASSAGE", basis: null })).toBeNull();
    expect(basisLine({ method: "LLM", basis: null })).toBeNull();
    expect(basisLine({ method: "NONE", basis: null })).toBeNull();
  });
});
