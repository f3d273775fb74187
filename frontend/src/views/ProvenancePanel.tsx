import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { request } from "../api/client";
import { ExplainQuery } from "../api/operations";
import type { ExplainQuery as ExplainResult } from "../gql/graphql";
import { ErrorState } from "../components/ErrorState";
import { formatDate } from "../components/format";
import { Skeleton } from "../components/Skeleton";
import { messageHref } from "../core/search";

/** Why a fact or relation exists: the messages that say it, the jobs, resolution and merges. */
export function ProvenancePanel({ id, onClose }: { id: string; onClose: () => void }) {
  const query = useQuery({ queryKey: ["explain", id], queryFn: () => request(ExplainQuery, { id }) });
  return (
    <aside className="panel" aria-labelledby="provenance-heading">
      <div className="panel-head">
        <h2 id="provenance-heading">Provenance</h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {query.isPending ? (
        <Skeleton lines={6} height="2rem" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Explanation data={query.data.explain} />
      )}
    </aside>
  );
}

function Explanation({ data }: { data: ExplainResult["explain"] }) {
  return (
    <>
      <h3>Messages ({data.messageCount})</h3>
      {data.messages.length === 0 ? (
        <p className="empty">No message says this.</p>
      ) : (
        <ul className="provenance-messages">
          {data.messages.map((message) => (
            <li key={message.id}>
              <div className="message-meta">
                <strong>{message.speaker}</strong> in{" "}
                <Link to={messageHref(message.conversation.id, message.id)}>{message.conversation.title}</Link>
                {message.timestamp && <span className="muted"> · {formatDate(message.timestamp)}</span>}
              </div>
              <p>{message.text}</p>
            </li>
          ))}
        </ul>
      )}
      <h3>Extractor</h3>
      <p>{data.extractor ?? "unknown"}</p>
      <h3>Jobs</h3>
      {data.jobs.length === 0 ? (
        <p className="muted">None recorded.</p>
      ) : (
        <ul>
          {data.jobs.map((job) => (
            <li key={job.id}>
              <Link to={`/conversations/${encodeURIComponent(job.conversationId)}`}>{job.id}</Link>{" "}
              <span className="muted">
                {job.status.toLowerCase()} · {job.extractor} · {formatDate(job.createdAt)}
                {data.producedBy?.id === job.id && " · produced it"}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Resolution</h3>
      {data.decisions.length === 0 ? (
        <p className="muted">No resolution decisions.</p>
      ) : (
        <ul>
          {data.decisions.map((decision) => (
            <li key={decision.id}>
              “{decision.mention}” → {decision.outcome} by {decision.rule} ({decision.score.toFixed(2)})
              {decision.candidateName && <span className="muted"> · closest: {decision.candidateName}</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>Merges</h3>
      {data.merges.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {data.merges.map((merge) => (
            <li key={merge.id}>
              {merge.sourceId} → {merge.targetId} <span className="muted">· {merge.status} · {formatDate(merge.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
