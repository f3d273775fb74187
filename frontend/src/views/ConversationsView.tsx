import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link } from "react-router";
import { request } from "../api/client";
import { ApiError } from "../api/errors";
import { ConversationsQuery, IngestFileMutation } from "../api/operations";
import { ErrorState, InlineError } from "../components/ErrorState";
import { countOf, formatDate } from "../components/format";
import { JobList, type TrackedJob } from "../components/JobList";
import { Skeleton } from "../components/Skeleton";
import { statusText } from "../core/jobs";

const PAGE_SIZE = 20;
/** The largest file the API takes (`ingestFile`'s content limit, in characters). */
export const MAX_FILE_CHARS = 5_000_000;

export function ConversationsView() {
  return (
    <>
      <h1>Conversations</h1>
      <div className="two-columns">
        <ConversationList />
        <IngestForm />
      </div>
    </>
  );
}

function ConversationList() {
  // Cursors of the pages before this one; the connection only pages forward.
  const [cursors, setCursors] = useState<Array<string | null>>([]);
  const [after, setAfter] = useState<string | null>(null);
  const query = useQuery({
    queryKey: ["conversations", after],
    queryFn: () => request(ConversationsQuery, { first: PAGE_SIZE, after }),
    placeholderData: (previous) => previous,
  });

  if (query.isPending) return <section className="list-panel"><Skeleton lines={8} height="2.5rem" /></section>;
  if (query.isError)
    return (
      <section className="list-panel">
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </section>
    );

  const { edges, pageInfo, totalCount } = query.data.conversations;
  // While another page loads, the one on screen is placeholder data: its cursor is not the
  // current page's, so a second click must wait (it would skip a page).
  const turning = query.isPlaceholderData;
  return (
    <section className="list-panel" aria-label="Conversation list" aria-busy={query.isFetching}>
      <p className="muted">{countOf(totalCount, "conversation")}</p>
      {edges.length === 0 ? (
        <p className="empty">No conversations yet. Paste a transcript or upload an export in “Add a conversation”.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Messages</th>
              <th scope="col">Created</th>
              <th scope="col">Latest job</th>
            </tr>
          </thead>
          <tbody>
            {edges.map(({ node }) => (
              <tr key={node.id}>
                <td>
                  <Link to={`/conversations/${encodeURIComponent(node.id)}`}>{node.title}</Link>
                </td>
                <td>{node.messageCount}</td>
                <td>{formatDate(node.createdAt)}</td>
                <td>{node.status ? <span className={`badge badge-${statusText(node.status)}`}>{statusText(node.status)}</span> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button
          type="button"
          disabled={turning || cursors.length === 0}
          onClick={() => {
            setAfter(cursors[cursors.length - 1] ?? null);
            setCursors(cursors.slice(0, -1));
          }}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={turning || !pageInfo.hasNextPage || !pageInfo.endCursor}
          onClick={() => {
            setCursors([...cursors, after]);
            setAfter(pageInfo.endCursor ?? null);
          }}
        >
          Next
        </button>
      </div>
    </section>
  );
}

/** A file's text; FileReader works in every browser (and in jsdom, unlike Blob.text). */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result : "");
    reader.onerror = () => reject(reader.error ?? new Error("unreadable file"));
    reader.readAsText(file);
  });
}

function tooLarge(name: string): ApiError {
  return new ApiError("BAD_INPUT", `${name} is over ${MAX_FILE_CHARS.toLocaleString("en")} characters, the most one file can hold`);
}

function IngestForm() {
  const queryClient = useQueryClient();
  const [content, setContent] = useState("");
  // Empty: the server titles a paste "pasted text".
  const [name, setName] = useState("");
  const [fileError, setFileError] = useState<ApiError | null>(null);
  const [jobs, setJobs] = useState<TrackedJob[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const ingest = useMutation({
    mutationFn: (variables: { name: string; content: string }) => request(IngestFileMutation, variables),
    onSuccess: (data) => {
      const fresh: TrackedJob[] = data.ingestFile.flatMap((payload) =>
        payload.job
          ? [
              {
                id: payload.job.id,
                conversationId: payload.conversation.id,
                title: payload.conversation.title,
                status: payload.job.status,
                stage: payload.job.stage,
                progress: payload.job.progress,
                errorMessage: payload.job.errorMessage ?? null,
              },
            ]
          : [],
      );
      const seen = data.ingestFile.filter((p) => !p.created).length;
      setNotice(`${countOf(data.ingestFile.length, "conversation")} received` + (seen > 0 ? `, ${seen} already ingested before` : ""));
      setJobs((current) => [...fresh, ...current.filter((j) => !fresh.some((f) => f.id === j.id))]);
      setContent("");
      setName("");
      void queryClient.invalidateQueries({ queryKey: ["conversations"] });
    },
  });

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const file = input.files?.[0];
    // Clear the picker, so choosing the same file again (after an edit) reads it again.
    input.value = "";
    if (!file) return;
    setFileError(null);
    // A character is at least one byte, so a file over the limit in bytes may still fit: check
    // the bytes only as a quick first bound, and the characters once read.
    if (file.size > MAX_FILE_CHARS * 4) {
      setFileError(tooLarge(file.name));
      return;
    }
    let text: string;
    try {
      text = await readText(file);
    } catch (caught) {
      setFileError(new ApiError("BAD_INPUT", `Could not read ${file.name}: ${caught instanceof Error ? caught.message : String(caught)}`));
      return;
    }
    if (text.length > MAX_FILE_CHARS) {
      setFileError(tooLarge(file.name));
      return;
    }
    setContent(text);
    setName(file.name);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!content.trim()) return;
    ingest.mutate({ name: name.trim(), content });
  }

  return (
    <section className="card ingest" aria-labelledby="ingest-heading">
      <h2 id="ingest-heading">Add a conversation</h2>
      <form onSubmit={submit} aria-labelledby="ingest-heading">
        <label>
          Transcript
          <textarea
            rows={8}
            value={content}
            onChange={(e) => setContent(e.target.value)}
            placeholder={"Ana: I moved to Lyon.\nBen: Nice! Still at Acme?"}
          />
        </label>
        <label>
          File name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="pasted text" />
        </label>
        <label>
          Upload a file
          <input type="file" accept=".txt,.json,.md,text/plain,application/json" onChange={(e) => void readFile(e)} />
        </label>
        <p className="hint">Plain “Name: text” transcripts, or ChatGPT, Claude and Librarian JSON exports.</p>
        <button type="submit" disabled={ingest.isPending || !content.trim()}>
          {ingest.isPending ? "Ingesting…" : "Ingest"}
        </button>
        <InlineError error={fileError ?? ingest.error} />
        {notice && <p role="status">{notice}</p>}
      </form>
      <h3>Jobs</h3>
      {jobs.length === 0 ? <p className="hint">Jobs you start here show their progress below.</p> : null}
      <JobList jobs={jobs} />
    </section>
  );
}
