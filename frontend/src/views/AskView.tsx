import { useEffect, useReducer, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { AskSubscription } from "../api/operations";
import { subscribe } from "../api/ws";
import { ErrorState } from "../components/ErrorState";
import { countOf, formatDate } from "../components/format";
import { askReducer, basisLine, initialAskState, type AskAnswerEvent } from "../core/ask";
import { messageHref } from "../core/search";

export function AskView() {
  const [question, setQuestion] = useState("");
  const [state, dispatch] = useReducer(askReducer, initialAskState);
  const stop = useRef<(() => void) | null>(null);

  useEffect(() => () => stop.current?.(), []);

  function ask(text: string) {
    const trimmed = text.trim();
    if (!trimmed) return;
    stop.current?.();
    setQuestion(trimmed);
    dispatch({ type: "start", question: trimmed });
    stop.current = subscribe(
      AskSubscription,
      { question: trimmed },
      {
        next: (data) => dispatch({ type: "event", event: data.ask }),
        error: (error) => dispatch({ type: "error", error }),
        complete: () => dispatch({ type: "complete" }),
      },
      // A dropped socket must not run the question again (the text would stream twice).
      { once: true },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    ask(question);
  }

  const streaming = state.phase === "streaming";
  const answer = state.answer;
  const basis = answer && basisLine(answer);
  return (
    <>
      <h1>Ask</h1>
      <form onSubmit={submit} className="ask-form">
        <label>
          Question
          <input value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="What is the new deadline for Atlas?" />
        </label>
        <button type="submit" disabled={streaming || !question.trim()}>
          Ask
        </button>
      </form>
      {state.phase === "idle" && <p className="empty">Ask a question; the answer comes only from your conversations, with citations.</p>}
      {state.phase !== "idle" && (
        <section className="card answer" aria-labelledby="answer-heading">
          <h2 id="answer-heading">Answer</h2>
          {answer?.notice && (
            <p className="notice notice-warn" role="note">
              {answer.notice}
            </p>
          )}
          <p className="answer-text" aria-live="polite" aria-busy={streaming} data-testid="answer">
            {state.text}
            {streaming && !state.text && <span className="muted">Reading your conversations…</span>}
            {streaming && <span className="cursor" aria-hidden="true">▍</span>}
          </p>
          {basis && (
            <p className="hint answer-basis" data-testid="answer-basis">
              {basis}
            </p>
          )}
          {answer && answer.llmCalls > 0 && <p className="hint answer-usage">{usageLine(answer)}</p>}
          {state.error && <ErrorState error={state.error} onRetry={() => ask(state.question)} />}
          {answer && !answer.found && <p className="muted">Nothing in the conversations answers this. Try other words.</p>}
          {answer && answer.citations.length > 0 && (
            <>
              <h3>Sources</h3>
              <ol className="citations">
                {answer.citations.map((citation) => (
                  <li key={citation.number}>
                    <Link className="citation" to={messageHref(citation.message.conversation.id, citation.message.id)}>
                      [{citation.number}]
                    </Link>{" "}
                    <span>
                      <strong>{citation.message.speaker}</strong> in {citation.message.conversation.title}
                      {citation.message.timestamp && <span className="muted"> · {formatDate(citation.message.timestamp)}</span>}
                      <span className="quote">“{citation.message.text}”</span>
                    </span>
                  </li>
                ))}
              </ol>
            </>
          )}
          {answer && answer.followUps.length > 0 && (
            <>
              <h3>Follow-up questions</h3>
              <div className="follow-ups">
                {answer.followUps.map((followUp) => (
                  <button key={followUp} type="button" className="secondary" onClick={() => ask(followUp)}>
                    {followUp}
                  </button>
                ))}
              </div>
            </>
          )}
        </section>
      )}
    </>
  );
}

/** "1 LLM call · 1,312 tokens in · 68 out · $0.0024". */
function usageLine(answer: Pick<AskAnswerEvent, "llmCalls" | "inputTokens" | "outputTokens" | "costUsd">): string {
  return [
    countOf(answer.llmCalls, "LLM call"),
    `${countOf(answer.inputTokens, "token")} in`,
    `${answer.outputTokens.toLocaleString("en")} out`,
    formatUsd(answer.costUsd),
  ].join(" · ");
}

function formatUsd(cost: number): string {
  if (cost > 0 && cost < 0.0001) return "<$0.0001";
  return `$${cost.toFixed(cost >= 1 ? 2 : 4)}`;
}
