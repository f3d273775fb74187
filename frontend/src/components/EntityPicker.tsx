import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { request } from "../api/client";
import { EntitySearchQuery } from "../api/operations";
import type { GraphEntity } from "../core/graph";
import { ErrorState } from "./ErrorState";
import { useDebounced } from "./useDebounced";

/** Find an active entity by name and pick it. */
export function EntityPicker({
  label = "Entity name",
  onPick,
  exclude,
  selectedId,
}: {
  label?: string;
  onPick: (entity: GraphEntity) => void;
  exclude?: string;
  selectedId?: string | null;
}) {
  const [name, setName] = useState("");
  const term = useDebounced(name.trim(), 250);
  const listId = useId();
  const query = useQuery({
    queryKey: ["entitySearch", term],
    queryFn: () => request(EntitySearchQuery, { nameContains: term, first: 20 }),
    enabled: term.length > 0,
  });
  const entities = (query.data?.entities.edges ?? []).map((e) => e.node).filter((e) => e.id !== exclude);

  return (
    <div className="entity-picker">
      <label>
        {label}
        <input type="search" value={name} onChange={(e) => setName(e.target.value)} aria-controls={listId} autoComplete="off" />
      </label>
      <div className="picker-results">
        {term.length === 0 ? (
          <p className="hint">Type part of a name.</p>
        ) : query.isPending ? (
          <p className="hint" role="status" aria-label="Loading">
            Searching…
          </p>
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : entities.length === 0 ? (
          <p className="hint">No entity named like “{term}”.</p>
        ) : (
          <ul id={listId} className="picker-list">
            {entities.map((entity) => (
              <li key={entity.id}>
                <button
                  type="button"
                  className={entity.id === selectedId ? "picked" : undefined}
                  aria-pressed={entity.id === selectedId}
                  onClick={() => onPick(entity)}
                >
                  {entity.name} <span className="muted">{entity.type}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
