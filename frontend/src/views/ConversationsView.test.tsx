import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
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
    // Empty: the server titles a paste "pasted text".
    expect(screen.getByLabelText("File name")).toHaveValue("");
    await user.type(screen.getByLabelText("Transcript"), "Ana: hello");
    await user.click(screen.getByRole("button", { name: "Ingest" }));

    const jobs = screen.getByRole("list", { name: "Jobs" });
    await waitFor(() => expect(within(jobs).getAllByRole("listitem")).toHaveLength(2));
    const ingest = calls.find((c) => c.operationName === "IngestFile");
    expect(ingest?.variables).toEqual({ name: "", content: "Ana: hello" });
    expect(await screen.findByText("2 conversations received")).toHaveAttribute("role", "status");

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

  it("offers Reconnect when the progress socket gives up, and subscribes again", async () => {
    fakeGraphQL({
      Conversations: () => page([], false, null),
      IngestFile: () => data({ ingestFile: [payload("a", "Standup")] }),
    });
    let attempts = 0;
    const socket = fakeWebSocket((_operation, emit) => {
      attempts += 1;
      if (attempts === 1) socket.sockets.at(-1)?.serverClose(4500, "Internal error");
      else emit.next({ jobProgress: { jobId: "job_a", status: "RUNNING", stage: "embed", progress: 0.2, errorMessage: null } });
    });
    const { user } = renderApp("/conversations");
    await user.type(screen.getByLabelText("Transcript"), "Ana: hi");
    await user.click(screen.getByRole("button", { name: "Ingest" }));
    const jobs = screen.getByRole("list", { name: "Jobs" });
    expect(await within(jobs).findByRole("alert")).toHaveTextContent("NETWORK");

    await user.click(within(jobs).getByRole("button", { name: "Reconnect" }));
    await waitFor(() => expect(within(jobs).getByTestId("job-status")).toHaveTextContent("running"));
    expect(socket.subscriptions).toHaveLength(2);
    expect(within(jobs).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("signs out, without reconnecting, when the progress socket's token is refused (4403)", async () => {
    fakeGraphQL({
      Conversations: () => page([], false, null),
      IngestFile: () => data({ ingestFile: [payload("a", "Standup")] }),
    });
    const socket = fakeWebSocket(() => undefined, { rejectInit: { code: 4403, reason: "Forbidden" } });
    const { user } = renderApp("/conversations", { token: "revoked" });
    await user.type(screen.getByLabelText("Transcript"), "Ana: hi");
    await user.click(screen.getByRole("button", { name: "Ingest" }));
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
    expect(socket.sockets).toHaveLength(1);
  });

  it("disables Next and Previous while a page loads, so a double click cannot skip a page", async () => {
    let release: () => void = () => undefined;
    const { calls } = fakeGraphQL({
      Conversations: (variables) =>
        variables.after === "cur-2"
          ? new Promise((resolve) => (release = () => resolve(page(["Retro"], true, "cur-3"))))
          : page(["Standup", "Planning"], true, "cur-2"),
    });
    const { user } = renderApp("/conversations");
    await screen.findByRole("link", { name: "Standup" });
    await user.click(screen.getByRole("button", { name: "Next" }));
    expect(screen.getByRole("button", { name: "Next" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Previous" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Next" }));

    release();
    expect(await screen.findByRole("link", { name: "Retro" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Next" })).toBeEnabled();
    expect(calls.filter((c) => c.operationName === "Conversations").map((c) => c.variables.after)).toEqual([null, "cur-2"]);
  });

  it("refuses a file over 5,000,000 characters with BAD_INPUT, and reads the same file again once picked again", async () => {
    fakeGraphQL({ Conversations: () => page([], false, null) });
    const { user } = renderApp("/conversations");
    const picker = screen.getByLabelText<HTMLInputElement>("Upload a file");
    await user.upload(picker, new File(["a".repeat(5_000_001)], "huge.txt", { type: "text/plain" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("BAD_INPUT");
    expect(alert).toHaveTextContent("huge.txt");
    expect(screen.getByLabelText("Transcript")).toHaveValue("");

    const file = new File(["Ana: hi"], "chat.txt", { type: "text/plain" });
    await user.upload(picker, file);
    await waitFor(() => expect(screen.getByLabelText("Transcript")).toHaveValue("Ana: hi"));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(picker.value).toBe("");
  });

  it("shows a file that cannot be read as an error", async () => {
    fakeGraphQL({ Conversations: () => page([], false, null) });
    class BrokenReader {
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      error = new DOMException("The file could not be read", "NotReadableError");
      result = null;
      readAsText() {
        setTimeout(() => this.onerror?.(), 0);
      }
    }
    vi.stubGlobal("FileReader", BrokenReader);
    const { user } = renderApp("/conversations");
    await user.upload(screen.getByLabelText("Upload a file"), new File(["x"], "gone.txt", { type: "text/plain" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("BAD_INPUT");
    expect(alert).toHaveTextContent("Could not read gone.txt");
    vi.unstubAllGlobals();
  });
});
