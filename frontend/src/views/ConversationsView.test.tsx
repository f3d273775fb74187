import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL } from "../test/fakeServer";
import { fakeWebSocket } from "../test/fakeWebSocket";
import { renderApp } from "../test/render";

const page = (titles: string[], hasNextPage: boolean, endCursor: string | null) =>
  data({
    conversations: {
      totalCount: 3,
      pageInfo: { hasNextPage, endCursor },
      edges: titles.map((title, i) => ({
        cursor: `${title}-${i}`,
        node: { id: `conv_${title}`, title, origin: "api", messageCount: 2, createdAt: "2024-03-01T10:00:00Z", status: "COMPLETE" },
      })),
    },
  });

function payload(id: string, title: string) {
  return {
    created: true,
    conversation: { id: `conv_${id}`, title },
    job: { id: `job_${id}`, status: "PENDING", stage: "queued", progress: 0, errorMessage: null },
  };
}

describe("conversations", () => {
  it("pages forward and back with Next and Previous", async () => {
    const { calls } = fakeGraphQL({
      Conversations: (variables) => (variables.after ? page(["Retro"], false, null) : page(["Standup", "Planning"], true, "cur-2")),
    });
    const { user } = renderApp("/conversations");
    expect(await screen.findByRole("link", { name: "Standup" })).toBeInTheDocument();
    expect(screen.getAllByText("complete")[0]).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByRole("link", { name: "Retro" })).toBeInTheDocument();
    expect(calls.at(-1)?.variables.after).toBe("cur-2");
    await user.click(screen.getByRole("button", { name: "Previous" }));
    expect(await screen.findByRole("link", { name: "Standup" })).toBeInTheDocument();
  });

  it("ingests pasted text with ingestFile and follows each job live", async () => {
    const { calls } = fakeGraphQL({
      Conversations: () => page([], false, null),
      IngestFile: () => data({ ingestFile: [payload("a", "Standup"), payload("b", "Retro")] }),
    });
    fakeWebSocket(({ variables }, emit) => {
      if (variables.jobId === "job_a") {
        emit.next({ jobProgress: { jobId: "job_a", status: "RUNNING", stage: "extract", progress: 0.5, errorMessage: null } });
        emit.next({ jobProgress: { jobId: "job_a", status: "COMPLETE", stage: "done", progress: 1, errorMessage: null } });
        emit.complete();
      } else {
        emit.next({ jobProgress: { jobId: "job_b", status: "FAILED", stage: "extract", progress: 0.4, errorMessage: "spaCy crashed" } });
        emit.complete();
      }
    });
    const { user } = renderApp("/conversations");
    await screen.findByText(/No conversations yet/);
    expect(screen.getByLabelText("File name")).toHaveValue("pasted.txt");
    await user.type(screen.getByLabelText("Transcript"), "Ana: hello");
    await user.click(screen.getByRole("button", { name: "Ingest" }));

    const jobs = screen.getByRole("list", { name: "Jobs" });
    await waitFor(() => expect(within(jobs).getAllByRole("listitem")).toHaveLength(2));
    const ingest = calls.find((c) => c.operationName === "IngestFile");
    expect(ingest?.variables).toEqual({ name: "pasted.txt", content: "Ana: hello" });

    const [first, second] = within(jobs).getAllByRole("listitem");
    await waitFor(() => expect(within(first!).getByTestId("job-status")).toHaveTextContent("complete"));
    await waitFor(() => expect(within(second!).getByTestId("job-status")).toHaveTextContent("failed"));
    expect(second).toHaveTextContent("spaCy crashed");
  });

  it("retries a failed job with retryJob", async () => {
    const { calls } = fakeGraphQL({
      Conversations: () => page([], false, null),
      IngestFile: () => data({ ingestFile: [payload("b", "Retro")] }),
      RetryJob: () => data({ retryJob: { id: "job_b", status: "PENDING", stage: "queued", progress: 0, errorMessage: null } }),
    });
    let attempts = 0;
    fakeWebSocket((_operation, emit) => {
      attempts += 1;
      emit.next({
        jobProgress:
          attempts === 1
            ? { jobId: "job_b", status: "FAILED", stage: "extract", progress: 0.4, errorMessage: "timeout" }
            : { jobId: "job_b", status: "RUNNING", stage: "embed", progress: 0.2, errorMessage: null },
      });
    });
    const { user } = renderApp("/conversations");
    await user.type(screen.getByLabelText("Transcript"), "Ana: hi");
    await user.click(screen.getByRole("button", { name: "Ingest" }));
    const jobs = screen.getByRole("list", { name: "Jobs" });
    await user.click(await within(jobs).findByRole("button", { name: "Retry" }));

    await waitFor(() => expect(within(jobs).getByTestId("job-status")).toHaveTextContent("running"));
    expect(calls.find((c) => c.operationName === "RetryJob")?.variables).toEqual({ id: "job_b" });
  });

  it("reads an uploaded file into the transcript and its name", async () => {
    fakeGraphQL({ Conversations: () => page([], false, null) });
    const { user } = renderApp("/conversations");
    const file = new File(['{"title":"Chat","messages":[]}'], "chat.json", { type: "application/json" });
    await user.upload(screen.getByLabelText("Upload a file"), file);
    await waitFor(() => expect(screen.getByLabelText("Transcript")).toHaveValue('{"title":"Chat","messages":[]}'));
    expect(screen.getByLabelText("File name")).toHaveValue("chat.json");
  });
});
