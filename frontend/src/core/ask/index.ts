import type { AnswerMethod, AskSubscription } from "../../gql/graphql";
import { ApiError } from "../../api/errors";

export type AskEvent = AskSubscription["ask"];
export type AskAnswerEvent = Extract<AskEvent, { __typename: "AskAnswer" }>;
export type Citation = AskAnswerEvent["citations"][number];

export interface AskState {
  question: string;
  text: string;
  phase: "idle" | "streaming" | "done" | "failed";
  answer: AskAnswerEvent | null;
  error: ApiError | null;
}

export const initialAskState: AskState = { question: "", text: "", phase: "idle", answer: null, error: null };

export type AskAction =
  | { type: "start"; question: string }
  | { type: "event"; event: AskEvent }
  | { type: "error"; error: ApiError }
  | { type: "complete" };

/** Tokens are appended as they come; the final answer replaces them with the whole text. */
export function askReducer(state: AskState, action: AskAction): AskState {
  switch (action.type) {
    case "start":
      return { ...initialAskState, question: action.question, phase: "streaming" };
    case "event":
      if (action.event.__typename === "AskToken") return { ...state, text: state.text + action.event.text };
      return { ...state, text: action.event.text, answer: action.event, phase: "done" };
    case "error":
      return { ...state, error: action.error, phase: "failed" };
    case "complete":
      if (state.phase !== "streaming") return state;
      // A stream that ends with neither an answer nor any text has nothing to show: say so.
      if (!state.text)
        return { ...state, phase: "failed", error: new ApiError("INTERNAL", "The answer stream ended without an answer") };
      return { ...state, phase: "done" };
  }
}

/** What an offline answer's value is of, or the sentence it was read from, labelled by how the answer was made. */
const basisLabels: Partial<Record<AnswerMethod, string>> = {
  FACT: "From the graph: ",
  PASSAGE: "From a message: ",
};

/** "From the graph: Maya's pet"; null when the answer has no basis (LLM answers, and answers that are themselves a quoted sentence). */
export function basisLine(answer: Pick<AskAnswerEvent, "method" | "basis">): string | null {
  if (!answer.basis) return null;
  return (basisLabels[answer.method] ?? "") + answer.basis;
}
