import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState, type ChangeEvent, type KeyboardEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { request } from "../api/client";
import { SearchQuery } from "../api/operations";
import { ErrorState } from "../components/ErrorState";
import { Skeleton } from "../components/Skeleton";
import { useDebounced } from "../components/useDebounced";
import { flattenGroups, groupHits, hitHref, moveActive, type SearchHit } from "../core/search";

export const SEARCH_DEBOUNCE_MS = 250;

export function SearchView() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(() => params.get("q") ?? "");
  const term = useDebounced(text.trim(), SEARCH_DEBOUNCE_MS);
  const navigate = useNavigate();
  const listId = useId();
  // The active result belongs to one search term; a new term starts with none.
  const [cursor, setCursor] = useState({ term: "", index: -1 });

  useEffect(() => {
    if ((params.get("q") ?? "") === term) return;
    setParams(term ? { q: term } : {}, { replace: true });
  }, [term, params, setParams]);

  const query = useQuery({
    queryKey: ["search", term],
    // The term travels with its results, so results kept on screen while the next term loads
    // are described by the term they answer.
    queryFn: async () => ({ term, result: await request(SearchQuery, { query: term, first: 30 }) }),
    enabled: term.length > 0,
    // Keep the previous results on screen while a new term loads: no skeleton, no layout shift.
    placeholderData: keepPreviousData,
  });

  const shown = term.length > 0 ? query.data : undefined;
  const shownTerm = shown?.term ?? term;
  const groups = useMemo(() => groupHits(shown?.result.search.edges.map((e) => e.node) ?? []), [shown]);
  const flat = useMemo(() => flattenGroups(groups), [groups]);
  // The results on screen answer what is in the box: not while the debounce or a fetch for a
  // new term is pending (Enter then would open a result of the previous term).
  const fresh = text.trim() === term && !query.isPlaceholderData;
  const active = fresh && cursor.term === term ? cursor.index : -1;
  const setActive = (index: number) => setCursor({ term, index });
  const loading = term.length > 0 && (text.trim() !== term || query.isPlaceholderData || query.isFetching);

  const optionId = (index: number) => `${listId}-hit-${index}`;

  useEffect(() => {
    if (active < 0) return;
    document.getElementById(`${listId}-hit-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [active, listId]);

  function open(hit: SearchHit | undefined) {
    const href = hit && hitHref(hit);
    if (href) void navigate(href);
  }

  function onChange(event: ChangeEvent<HTMLInputElement>) {
    setText(event.target.value);
    // New text: no result is active until its own results arrive.
    setCursor({ term: "", index: -1 });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (fresh) setActive(moveActive(active, event.key === "ArrowDown" ? 1 : -1, flat.length));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (fresh && active >= 0) open(flat[active]);
    }
  }

  let index = -1;

  return (
    <>
      <h1>Search</h1>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={text}
            onChange={onChange}
            onKeyDown={onKeyDown}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={flat.length > 0}
            aria-controls={listId}
            aria-activedescendant={active >= 0 ? optionId(active) : undefined}
            placeholder="People, places, facts, what was said…"
            autoFocus
          />
        </label>
      </form>
      <div id={listId} className="search-results" aria-busy={loading}>
        {term.length === 0 ? (
          <p className="empty">Type words to search entities, facts and messages. Use ↑ ↓ to move and Enter to open.</p>
        ) : !shown ? (
          query.isError && !query.isFetching ? (
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          ) : (
            <Skeleton lines={6} height="2.75rem" />
          )
        ) : flat.length === 0 ? (
          <p className="empty">No results for “{shownTerm}”. Try fewer or different words.</p>
        ) : (
          groups.map((group) => (
            <section key={group.kind} aria-labelledby={`${listId}-${group.kind}`}>
              <h2 id={`${listId}-${group.kind}`}>{group.heading}</h2>
              <ul role="listbox" aria-labelledby={`${listId}-${group.kind}`} className="hits">
                {group.hits.map((hit) => {
                  index += 1;
                  const position = index;
                  return (
                    <li
                      key={optionId(position)}
                      id={optionId(position)}
                      role="option"
                      aria-selected={position === active}
                      className={position === active ? "hit active" : "hit"}
                      onClick={() => open(hit)}
                      onMouseEnter={() => setActive(position)}
                    >
                      <HitTitle hit={hit} />
                      <p className="snippet">
                        {hit.snippet.parts.length > 0
                          ? hit.snippet.parts.map((part, i) => (part.highlighted ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))
                          : hit.snippet.text}
                      </p>
                    </li>
                  );
                })}
              </ul>
            </section>
          ))
        )}
      </div>
    </>
  );
}

function HitTitle({ hit }: { hit: SearchHit }) {
  if (hit.kind === "ENTITY" && hit.entity)
    return (
      <div className="hit-title">
        <strong>{hit.entity.name}</strong> <span className="muted">{hit.entity.type}</span>
      </div>
    );
  if (hit.kind === "FACT" && hit.fact)
    return (
      <div className="hit-title">
        <strong>{hit.entity?.name ?? "?"}</strong> · {hit.fact.field}: {hit.fact.value}
      </div>
    );
  if (hit.message)
    return (
      <div className="hit-title">
        <strong>{hit.message.speaker}</strong> <span className="muted">in {hit.message.conversation.title}</span>
      </div>
    );
  return null;
}
