import type { JobStatus } from "../../gql/graphql";

export type JobStatusText = "pending" | "running" | "complete" | "failed";

export function statusText(status: JobStatus): JobStatusText {
  return status.toLowerCase() as JobStatusText;
}

export function isFinished(status: JobStatus): boolean {
  return status === "COMPLETE" || status === "FAILED";
}

/** 0..1 as a whole percentage, clamped. */
export function percent(progress: number): number {
  if (!Number.isFinite(progress)) return 0;
  return Math.round(Math.min(1, Math.max(0, progress)) * 100);
}
