import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { request } from "../api/client";
import { MakeLabelAliasMutation, SchemaRegistryQuery, UndoLabelChangeMutation } from "../api/operations";
import { Dialog } from "../components/Dialog";
import { ErrorState, InlineError } from "../components/ErrorState";
import { Skeleton } from "../components/Skeleton";
import type { LabelKind, MakeLabelAliasMutation as MakeLabelAliasResult, SchemaRegistryQuery as RegistryResult } from "../gql/graphql";

type SchemaLabel = RegistryResult["schemaRegistry"][number];
type LabelChange = MakeLabelAliasResult["makeLabelAlias"];

const KINDS: ReadonlyArray<{ kind: LabelKind; heading: string }> = [
  { kind: "FIELD", heading: "Fact fields" },
  { kind: "RELATION", heading: "Relation labels" },
  { kind: "ENTITY_TYPE", heading: "Entity types" },
];

export function SchemaView() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ["schemaRegistry"], queryFn: () => request(SchemaRegistryQuery) });
  const [aliasing, setAliasing] = useState<SchemaLabel | null>(null);
  const [change, setChange] = useState<LabelChange | null>(null);

  const undo = useMutation({
    mutationFn: (id: string) => request(UndoLabelChangeMutation, { id }),
    onSuccess: () => {
      setChange(null);
      void queryClient.invalidateQueries();
    },
  });

  return (
    <>
      <h1>Schema</h1>
      <p className="muted">The labels extraction has used, each canonical label with the aliases that map to it.</p>
      {change && (
        <div className="notice" role="status">
          “{change.label}” is now an alias of “{change.toCanonical}” ({change.relabelled} items relabelled).{" "}
          <button type="button" onClick={() => undo.mutate(change.id)} disabled={undo.isPending}>
            Undo
          </button>
        </div>
      )}
      <InlineError error={undo.error} />
      {query.isPending ? (
        <Skeleton lines={8} height="2rem" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.schemaRegistry.length === 0 ? (
        <p className="empty">No labels yet. Ingest a conversation; the labels its facts and relations use appear here.</p>
      ) : (
        KINDS.map(({ kind, heading }) => {
          const labels = query.data.schemaRegistry.filter((l) => l.kind === kind).sort((a, b) => b.usage - a.usage);
          return (
            <section key={kind} aria-labelledby={`kind-${kind}`}>
              <h2 id={`kind-${kind}`}>{heading}</h2>
              {labels.length === 0 ? (
                <p className="empty">None yet.</p>
              ) : (
                <table className="data-table">
                  <thead>
                    <tr>
                      <th scope="col">Canonical label</th>
                      <th scope="col">Usage</th>
                      <th scope="col">Aliases</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {labels.map((label) => (
                      <tr key={label.label}>
                        <td>
                          <code>{label.label}</code>
                        </td>
                        <td>{label.usage}</td>
                        <td>
                          {label.aliases.length === 0
                            ? "—"
                            : label.aliases.map((alias) => (
                                <span key={alias.label} className="alias">
                                  <code>{alias.label}</code>
                                  {alias.usage > 0 && <span className="muted"> ({alias.usage})</span>}
                                </span>
                              ))}
                        </td>
                        <td>
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => setAliasing(label)}
                            disabled={labels.length < 2}
                          >
                            Make alias
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          );
        })
      )}
      {aliasing && query.data && (
        <MakeAliasDialog
          label={aliasing}
          candidates={query.data.schemaRegistry.filter((l) => l.kind === aliasing.kind && l.label !== aliasing.label)}
          onClose={() => setAliasing(null)}
          onDone={(result) => {
            setAliasing(null);
            setChange(result);
          }}
        />
      )}
    </>
  );
}

function MakeAliasDialog({
  label,
  candidates,
  onClose,
  onDone,
}: {
  label: SchemaLabel;
  candidates: SchemaLabel[];
  onClose: () => void;
  onDone: (change: LabelChange) => void;
}) {
  const queryClient = useQueryClient();
  const [canonical, setCanonical] = useState(candidates[0]?.label ?? "");
  const mutation = useMutation({
    mutationFn: () => request(MakeLabelAliasMutation, { kind: label.kind, label: label.label, canonical }),
    onSuccess: (data) => {
      void queryClient.invalidateQueries();
      onDone(data.makeLabelAlias);
    },
  });
  return (
    <Dialog title={`Make “${label.label}” an alias`} onClose={onClose}>
      <p className="hint">Its data and aliases move to the canonical label you pick. You can undo it.</p>
      <label>
        Canonical label
        <select value={canonical} onChange={(e) => setCanonical(e.target.value)}>
          {candidates.map((c) => (
            <option key={c.label} value={c.label}>
              {c.label} ({c.usage})
            </option>
          ))}
        </select>
      </label>
      <InlineError error={mutation.error} />
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" onClick={() => mutation.mutate()} disabled={!canonical || mutation.isPending}>
          Confirm: make alias
        </button>
      </div>
    </Dialog>
  );
}
