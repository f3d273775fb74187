import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { request } from "../api/client";
import { HealthQuery } from "../api/operations";
import { ErrorState } from "../components/ErrorState";
import { formatDate } from "../components/format";
import { Skeleton } from "../components/Skeleton";
import type { HealthQuery as HealthData } from "../gql/graphql";

export const STATUS_REFRESH_MS = 5000;

export function StatusView() {
  const query = useQuery({
    queryKey: ["health"],
    queryFn: () => request(HealthQuery),
    refetchInterval: STATUS_REFRESH_MS,
    staleTime: 0,
  });
  return (
    <>
      <h1>Status</h1>
      <p className="muted">Refreshes every 5 seconds.</p>
      {query.isPending ? (
        <Skeleton lines={3} height="4.5rem" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <div className="status-grid">
          <Service name="Neo4j" ok={query.data.health.neo4j.ok}>
            {query.data.health.neo4j.version ?? "unknown version"} {query.data.health.neo4j.edition ?? ""}
            {query.data.health.neo4j.error && <span className="error-inline"> {query.data.health.neo4j.error}</span>}
          </Service>
          <Service name="Redis" ok={query.data.health.redis.ok}>
            {query.data.health.redis.version ?? "unknown version"}
            {query.data.health.redis.error && <span className="error-inline"> {query.data.health.redis.error}</span>}
          </Service>
          <Service name="Worker" ok={query.data.health.worker.ok}>
            Last heartbeat: {formatDate(query.data.health.worker.lastHeartbeat)}
          </Service>
          <LlmService llm={query.data.health.llm} />
        </div>
      )}
    </>
  );
}

type LlmHealth = HealthData["health"]["llm"];

const NAMES: Record<string, string> = {
  anthropic: "Anthropic",
  openai: "OpenAI",
  local: "the local extractor (offline)",
  extractive: "the offline answerer (quotes the conversations)",
};

function named(value: string): string {
  return NAMES[value] ?? value;
}

function LlmService({ llm }: { llm: LlmHealth }) {
  if (llm.provider === "none") {
    return (
      <Service
        name="LLM"
        ok
        badge="offline"
        hint={
          <>
            To turn an LLM on, set <code>LIBRARIAN_LLM_PROVIDER</code> and a key (or <code>ANTHROPIC_API_KEY</code> /{" "}
            <code>OPENAI_API_KEY</code>) on the server.
          </>
        }
      >
        No LLM configured. Extraction runs offline with the local extractor, the weaker mode: it finds fewer facts and
        relations than an LLM. Answers quote the conversations.
      </Service>
    );
  }
  return (
    <Service name="LLM" ok={llm.ok}>
      {named(llm.provider)} · {llm.model ?? "unknown model"}
      <br />
      Latency: {llm.latencyMs == null ? "—" : `${Math.round(llm.latencyMs).toLocaleString("en")} ms`}
      {llm.error && <span className="error-inline"> {llm.error}</span>}
      <br />
      Extracts: {named(llm.extractor)}
      <br />
      Answers: {named(llm.answerer)}
      <br />
      <span className="muted">Checked: {formatDate(llm.checkedAt)}</span>
    </Service>
  );
}

function Service({
  name,
  ok,
  badge,
  hint,
  children,
}: {
  name: string;
  ok: boolean;
  /** A neutral badge in place of ok/down (a service that is off by choice). */
  badge?: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  const className = badge ? "badge" : ok ? "badge badge-complete" : "badge badge-failed";
  return (
    <section className="card service" aria-labelledby={`service-${name}`}>
      <h2 id={`service-${name}`}>
        {name} <span className={className}>{badge ?? (ok ? "ok" : "down")}</span>
      </h2>
      <p>{children}</p>
      {hint && <p className="hint">{hint}</p>}
    </section>
  );
}
