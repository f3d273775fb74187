import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link } from "react-router";
import { request } from "../api/client";
import { ConversationsQuery, IngestFileMutation } from "../api/operations";
import { ErrorState, InlineError } from "../components/ErrorState";
import { countOf, formatDate } from "../components/format";
import { JobList, type TrackedJob } from "../components/JobList";
import { Skeleton } from "../components/Skeleton";
import { statusText } from "../core/jobs";

const PAGE_SIZE = 20;

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
  return (
    <section className="list-panel" aria-label="Conversation list">
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
          disabled={cursors.length === 0}
          onClick={() => {
            setAfter(cursors[cursors.length - 1] ?? null);
            setCursors(cursors.slice(0, -1));
          }}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
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

function IngestForm() {
  const queryClient = useQueryClient();
  const [content, setContent] = useState("");
  const [name, setName] = useState("pasted.txt");
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
      setNotice(
        `${data.ingestFile.length} conversation${data.ingestFile.length === 1 ? "" : "s"} received` +
          (seen > 0 ? `, ${seen} already ingested before` : ""),
      );
      setJobs((current) => [...fresh, ...current.filter((j) => !fresh.some((f) => f.id === j.id))]);
      setContent("");
      setName("pasted.txt");
      void queryClient.invalidateQueries({ queryKey: ["conversations"] });
    },
  });

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      setContent(await readText(file));
      setName(file.name);
    } catch {
      setNotice(`Could not read ${file.name}`);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!content.trim()) return;
    ingest.mutate({ name: name.trim() || "pasted.txt", content });
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
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Upload a file
          <input type="file" accept=".txt,.json,.md,text/plain,application/json" onChange={(e) => void readFile(e)} />
        </label>
        <p className="hint">Plain “Name: text” transcripts, or ChatGPT, Claude and Librarian JSON exports.</p>
        <button type="submit" disabled={ingest.isPending || !content.trim()}>
          {ingest.isPending ? "Ingesting…" : "Ingest"}
        </button>
        <InlineError error={ingest.error} />
        {notice && <p role="status">{notice}</p>}
      </form>
      <h3>Jobs</h3>
      {jobs.length === 0 ? <p className="hint">Jobs you start here show their progress below.</p> : null}
      <JobList jobs={jobs} />
    </section>
  );
}
