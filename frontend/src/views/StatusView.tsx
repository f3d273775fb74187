import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { request } from "../api/client";
import { HealthQuery } from "../api/operations";
import { ErrorState } from "../components/ErrorState";
import { formatDate } from "../components/format";
import { Skeleton } from "../components/Skeleton";

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
        </div>
      )}
    </>
  );
}

function Service({ name, ok, children }: { name: string; ok: boolean; children: ReactNode }) {
  return (
    <section className="card service" aria-labelledby={`service-${name}`}>
      <h2 id={`service-${name}`}>
        {name} <span className={ok ? "badge badge-complete" : "badge badge-failed"}>{ok ? "ok" : "down"}</span>
      </h2>
      <p>{children}</p>
    </section>
  );
}
