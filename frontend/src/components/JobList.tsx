import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { request } from "../api/client";
import type { ApiError } from "../api/errors";
import { JobProgressSubscription, RetryJobMutation } from "../api/operations";
import { subscribe } from "../api/ws";
import { isFinished, percent, statusText } from "../core/jobs";
import type { JobStatus } from "../gql/graphql";
import { InlineError } from "./ErrorState";

export interface TrackedJob {
  id: string;
  conversationId: string;
  title: string;
  status: JobStatus;
  stage: string;
  progress: number;
  errorMessage: string | null;
}

/** Jobs with live progress from the jobProgress subscription. */
export function JobList({ jobs }: { jobs: TrackedJob[] }) {
  return (
    <ul role="list" aria-label="Jobs" className="job-list">
      {jobs.map((job) => (
        <JobRow key={job.id} initial={job} />
      ))}
    </ul>
  );
}

function JobRow({ initial }: { initial: TrackedJob }) {
  const queryClient = useQueryClient();
  const [job, setJob] = useState(initial);
  const [attempt, setAttempt] = useState(0);
  const [streamError, setStreamError] = useState<ApiError | null>(null);
  // Bumped by "Reconnect" after the progress socket gave up, to subscribe again.
  const [connection, setConnection] = useState(0);
  const retry = useMutation({
    mutationFn: () => request(RetryJobMutation, { id: job.id }),
    onSuccess: (data) => {
      setJob((current) => ({ ...current, ...data.retryJob }));
      setStreamError(null);
      setAttempt((n) => n + 1);
    },
  });

  const watching = attempt > 0 || !isFinished(initial.status);
  useEffect(() => {
    if (!watching) return;
    return subscribe(
      JobProgressSubscription,
      { jobId: initial.id },
      {
        next: ({ jobProgress }) => {
          setJob((current) => ({
            ...current,
            status: jobProgress.status,
            stage: jobProgress.stage,
            progress: jobProgress.progress,
            errorMessage: jobProgress.errorMessage ?? null,
          }));
          // A finished job changes the conversation's status and message count.
          if (isFinished(jobProgress.status)) void queryClient.invalidateQueries({ queryKey: ["conversations"] });
        },
        error: setStreamError,
        complete: () => undefined,
      },
    );
  }, [initial.id, attempt, connection, watching, queryClient]);

  const status = statusText(job.status);
  const value = job.status === "COMPLETE" ? 100 : percent(job.progress);
  return (
    <li className={`job job-${status}`}>
      <div className="job-head">
        {/* Plain text: the conversation list above links the title once. */}
        <strong>{job.title}</strong>
        <span className={`badge badge-${status}`} data-testid="job-status">
          {status}
        </span>
      </div>
      <div className="job-progress">
        <progress max={100} value={value} aria-label={`${job.title} progress`} />
        <span className="muted">
          {job.stage} · {value}%
        </span>
      </div>
      {job.status === "FAILED" && (
        <div className="job-failure">
          {job.errorMessage && <p className="error-inline">{job.errorMessage}</p>}
          <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
            Retry
          </button>
        </div>
      )}
      <InlineError error={retry.error} />
      {streamError && (
        <div className="job-failure">
          <InlineError error={streamError} />
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setStreamError(null);
              setConnection((n) => n + 1);
            }}
          >
            Reconnect
          </button>
        </div>
      )}
    </li>
  );
}
