import { useState } from "react";
import { authorizedFetch, errorFromResponse } from "../api/client";
import { toApiError, type ApiError } from "../api/errors";
import { InlineError } from "../components/ErrorState";
import { EXPORT_KINDS, exportFileName, exportUrl, type ExportFormat, type ExportKind } from "../core/export";

/** Fetch an export with the token and hand it to the browser as a file. */
export async function downloadExport(kind: ExportKind, format: ExportFormat): Promise<void> {
  const response = await authorizedFetch(exportUrl(kind, format));
  if (!response.ok) throw await errorFromResponse(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = exportFileName(kind, format);
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // Revoke after the click has been handled, so the download can start.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

export function ExportView() {
  return (
    <>
      <h1>Export</h1>
      <p className="muted">Everything in the graph, as CSV or JSON (one object per line). Large exports stream from the server.</p>
      <div className="export-grid">
        {EXPORT_KINDS.map(({ kind, heading }) => (
          <ExportSection key={kind} kind={kind} heading={heading} />
        ))}
      </div>
    </>
  );
}

function ExportSection({ kind, heading }: { kind: ExportKind; heading: string }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function download(format: ExportFormat) {
    setBusy(format);
    setError(null);
    try {
      await downloadExport(kind, format);
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card" aria-labelledby={`export-${kind}`}>
      <h2 id={`export-${kind}`}>{heading}</h2>
      <div className="toolbar">
        <button type="button" onClick={() => void download("csv")} disabled={busy !== null} aria-busy={busy === "csv"}>
          Download CSV
        </button>
        <button type="button" onClick={() => void download("json")} disabled={busy !== null} aria-busy={busy === "json"}>
          Download JSON
        </button>
      </div>
      <InlineError error={error} />
    </section>
  );
}
