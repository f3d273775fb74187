import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { request } from "../../api/client";
import { toApiError, type ApiError } from "../../api/errors";
import { GraphRelationsQuery } from "../../api/operations";
import { EXPANSION_CAP, expandNode, neighboursOf, type EntityGraph, type Neighbour } from "../../core/graph";

const RELATION_PAGE = 100;
const MAX_PAGES_PER_EXPANSION = 5;

interface NodeProgress {
  /** Neighbours fetched but not shown yet. */
  rest: Neighbour[];
  after: string | null;
  hasNextPage: boolean;
}

/**
 * Expands nodes of the graph from their relations, 25 new neighbours at a time. What is left per
 * node lives in a ref (not React state), so thousands of nodes cost no re-renders.
 */
export function useExpansion(graph: EntityGraph, onExpanded: () => void) {
  const queryClient = useQueryClient();
  const progress = useRef(new Map<string, NodeProgress>());
  const inFlight = useRef(new Set<string>());
  // Nodes whose neighbours are loading, and the last failure per node (each with its own Retry).
  const [busy, setBusy] = useState<ReadonlySet<string>>(() => new Set());
  const [errors, setErrors] = useState<ReadonlyMap<string, ApiError>>(() => new Map());
  // Bumped after each expansion so "Show more" counts are read again.
  const [version, setVersion] = useState(0);

  const fetchPage = useCallback(
    async (nodeId: string, after: string | null) => {
      const data = await queryClient.fetchQuery({
        queryKey: ["graphRelations", nodeId, after],
        queryFn: () => request(GraphRelationsQuery, { id: nodeId, first: RELATION_PAGE, after }),
      });
      const relations = data.entity?.relations;
      return {
        neighbours: neighboursOf(nodeId, relations?.edges.map((e) => e.node) ?? []),
        after: relations?.pageInfo.endCursor ?? null,
        hasNextPage: relations?.pageInfo.hasNextPage ?? false,
      };
    },
    [queryClient],
  );

  const expand = useCallback(
    async (nodeId: string) => {
      if (!graph.hasNode(nodeId) || inFlight.current.has(nodeId)) return;
      inFlight.current.add(nodeId);
      setBusy((current) => new Set(current).add(nodeId));
      setErrors((current) => {
        if (!current.has(nodeId)) return current;
        const next = new Map(current);
        next.delete(nodeId);
        return next;
      });
      let state = progress.current.get(nodeId) ?? { rest: [], after: null, hasNextPage: true };
      let pages = 0;
      let added = 0;
      try {
        let budget = EXPANSION_CAP;
        for (;;) {
          const result = expandNode(graph, nodeId, state.rest, budget);
          budget -= result.added.length;
          added += result.added.length;
          state = { ...state, rest: result.rest };
          if (budget <= 0 || !state.hasNextPage || pages >= MAX_PAGES_PER_EXPANSION) break;
          const page = await fetchPage(nodeId, state.after);
          pages += 1;
          state = { rest: [...state.rest, ...page.neighbours], after: page.after, hasNextPage: page.hasNextPage };
        }
        progress.current.set(nodeId, state);
        onExpanded();
      } catch (caught) {
        // Keep what was fetched and shown before the failure: Retry goes on from there.
        if (pages > 0 || progress.current.has(nodeId)) progress.current.set(nodeId, state);
        if (added > 0) onExpanded();
        setErrors((current) => new Map(current).set(nodeId, toApiError(caught)));
      } finally {
        inFlight.current.delete(nodeId);
        setBusy((current) => {
          const next = new Set(current);
          next.delete(nodeId);
          return next;
        });
        setVersion((v) => v + 1);
      }
    },
    [graph, fetchPage, onExpanded],
  );

  /** Whether a node has neighbours left to show (known, or more pages on the server). */
  const remaining = useCallback(
    (nodeId: string): { count: number; more: boolean } | null => {
      const state = progress.current.get(nodeId);
      if (!state) return null;
      return { count: state.rest.filter((n) => !graph.hasNode(n.entity.id)).length, more: state.hasNextPage };
    },
    [graph],
  );

  const isExpanded = useCallback((nodeId: string) => progress.current.has(nodeId), []);

  return { expand, remaining, isExpanded, busy, errors, version };
}
