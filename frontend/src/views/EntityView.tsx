import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { request } from "../api/client";
import { requireFound } from "../api/errors";
import { EntityQuery, MergeEntitiesMutation, MergesQuery, UndoMergeMutation } from "../api/operations";
import { Dialog } from "../components/Dialog";
import { EntityPicker } from "../components/EntityPicker";
import { ErrorState, InlineError } from "../components/ErrorState";
import { formatDate } from "../components/format";
import { Skeleton } from "../components/Skeleton";
import type { GraphEntity } from "../core/graph";
import { ProvenancePanel } from "./ProvenancePanel";

export function EntityView() {
  const { id = "" } = useParams();
  const [factId, setFactId] = useState<string | null>(null);
  const query = useQuery({
    queryKey: ["entity", id],
    queryFn: async () => {
      const data = await request(EntityQuery, { id });
      return requireFound(data.entity, "entity", id);
    },
  });

  if (query.isPending)
    return (
      <>
        <h1>Entity</h1>
        <Skeleton lines={8} height="2rem" />
      </>
    );
  if (query.isError)
    return (
      <>
        <h1>Entity</h1>
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </>
    );

  const entity = query.data;
  const facts = entity.facts.edges.map((e) => e.node);
  const relations = entity.relations.edges.map((e) => e.node);
  return (
    <>
      <h1>{entity.name}</h1>
      <p className="muted">
        <span className="badge">{entity.type}</span>
        {entity.aliases.length > 0 && <> · also known as {entity.aliases.join(", ")}</>}
        {entity.id !== id && <> · {id} was merged into this entity</>}
      </p>
      <div className="toolbar">
        <Link to={`/graph/${encodeURIComponent(entity.id)}`} className="button-link">
          Open in graph
        </Link>
        <MergeAction entity={entity} />
      </div>
      <div className="two-columns">
        <div>
          <section aria-labelledby="facts-heading">
            <h2 id="facts-heading">Facts</h2>
            {facts.length === 0 ? (
              <p className="empty">No facts about {entity.name} yet. Ingest conversations that mention them.</p>
            ) : (
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Value</th>
                    <th scope="col">Confidence</th>
                  </tr>
                </thead>
                <tbody>
                  {facts.map((fact) => (
                    <tr key={fact.id} className={fact.id === factId ? "selected" : undefined}>
                      <td>{fact.field}</td>
                      <td>
                        <button
                          type="button"
                          className="link-button"
                          aria-pressed={fact.id === factId}
                          onClick={() => setFactId(fact.id)}
                        >
                          {fact.value}
                        </button>
                      </td>
                      <td>{fact.confidence.toFixed(2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {entity.facts.totalCount > facts.length && (
              <p className="muted">Showing {facts.length} of {entity.facts.totalCount} facts.</p>
            )}
          </section>
          <section aria-labelledby="relations-heading">
            <h2 id="relations-heading">Relations</h2>
            {relations.length === 0 ? (
              <p className="empty">No relations yet. Open it in the graph once more conversations mention it.</p>
            ) : (
              <ul className="relations">
                {relations.map((relation) => {
                  const outgoing = relation.source.id === entity.id;
                  const other = outgoing ? relation.target : relation.source;
                  return (
                    <li key={relation.id}>
                      {outgoing ? "→" : "←"} <span className="relation-label">{relation.label}</span>{" "}
                      <Link to={`/entities/${encodeURIComponent(other.id)}`}>{other.name}</Link>{" "}
                      <span className="muted">{other.type}</span>{" "}
                      <button
                        type="button"
                        className="link-button"
                        aria-pressed={relation.id === factId}
                        aria-label={`Why ${relation.label} ${other.name}?`}
                        onClick={() => setFactId(relation.id)}
                      >
                        why?
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <MergeHistory entityId={entity.id} />
        </div>
        <div>{factId ? <ProvenancePanel id={factId} onClose={() => setFactId(null)} /> : <p className="hint">Pick a fact (or a relation's “why?”) to see where it comes from.</p>}</div>
      </div>
    </>
  );
}

function MergeAction({ entity }: { entity: GraphEntity }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<GraphEntity | null>(null);
  const [done, setDone] = useState<{ mergeId: string; target: GraphEntity } | null>(null);

  const merge = useMutation({
    mutationFn: (targetEntity: GraphEntity) => request(MergeEntitiesMutation, { sourceId: entity.id, targetId: targetEntity.id }),
    onSuccess: (data, targetEntity) => {
      setDone({ mergeId: data.mergeEntities.id, target: targetEntity });
      setOpen(false);
      void queryClient.invalidateQueries();
    },
  });
  const undo = useUndoMerge(() => setDone(null));

  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Merge into…
      </button>
      {done && (
        <span className="notice" role="status">
          Merged into <Link to={`/entities/${encodeURIComponent(done.target.id)}`}>{done.target.name}</Link>.{" "}
          <button type="button" onClick={() => undo.mutate(done.mergeId)} disabled={undo.isPending}>
            Undo merge
          </button>
        </span>
      )}
      <InlineError error={undo.error} />
      {open && (
        <Dialog title={`Merge ${entity.name} into…`} onClose={() => setOpen(false)}>
          <p className="hint">
            {entity.name}'s facts, relations and mentions move to the entity you pick. You can undo it.
          </p>
          <EntityPicker label="Target entity" exclude={entity.id} selectedId={target?.id ?? null} onPick={setTarget} />
          {target && (
            <p>
              Merge <strong>{entity.name}</strong> into <strong>{target.name}</strong>?
            </p>
          )}
          <InlineError error={merge.error} />
          <div className="dialog-actions">
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="button" disabled={!target || merge.isPending} onClick={() => target && merge.mutate(target)}>
              Merge
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

/** The undoMerge mutation; every cached query may show what the merge moved, so all are refreshed. */
function useUndoMerge(onUndone: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (mergeId: string) => request(UndoMergeMutation, { mergeId }),
    onSuccess: () => {
      onUndone();
      void queryClient.invalidateQueries();
    },
  });
}

function MergeHistory({ entityId }: { entityId: string }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const query = useQuery({ queryKey: ["merges", entityId], queryFn: () => request(MergesQuery, { entityId }) });
  const undo = useUndoMerge(() => setConfirming(null));

  return (
    <section aria-labelledby="merges-heading">
      <h2 id="merges-heading">Merges</h2>
      {query.isPending ? (
        <Skeleton lines={2} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.merges.length === 0 ? (
        <p className="empty">No merges. Use “Merge into…” when two entities are the same.</p>
      ) : (
        <ul className="merges">
          {query.data.merges.map((merge) => (
            <li key={merge.id}>
              <Link to={`/entities/${encodeURIComponent(merge.sourceId)}`}>{merge.sourceId}</Link> →{" "}
              <Link to={`/entities/${encodeURIComponent(merge.targetId)}`}>{merge.targetId}</Link>{" "}
              <span className="muted">
                {formatDate(merge.createdAt)} · {merge.movedFacts} facts, {merge.movedRelations} relations ·{" "}
                {merge.status.toLowerCase()}
              </span>{" "}
              {merge.status === "ACTIVE" &&
                (confirming === merge.id ? (
                  <span>
                    Undo this merge?{" "}
                    <button type="button" onClick={() => undo.mutate(merge.id)} disabled={undo.isPending}>
                      Yes, undo it
                    </button>{" "}
                    <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button type="button" onClick={() => setConfirming(merge.id)}>
                    Undo this merge
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
      <InlineError error={undo.error} />
    </section>
  );
}
