import { useQuery } from "@tanstack/react-query";
import Graph from "graphology";
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { request } from "../api/client";
import { requireFound } from "../api/errors";
import { GraphNeighbourDegreesQuery, GraphNodeQuery } from "../api/operations";
import { EntityPicker } from "../components/EntityPicker";
import { countOf } from "../components/format";
import { ErrorState } from "../components/ErrorState";
import { Skeleton } from "../components/Skeleton";
import { GraphCanvas } from "../components/graph/GraphCanvas";
import { GraphEvents, LayoutRunner, NodeCount, SelectionHighlight } from "../components/graph/controllers";
import { useExpansion } from "../components/graph/useExpansion";
import { addEntity, expandableNeighbours, type EdgeAttributes, type EntityGraph, type GraphEntity, type NodeAttributes } from "../core/graph";

export function GraphView() {
  const { id } = useParams();
  const navigate = useNavigate();
  return (
    <>
      <h1>Graph</h1>
      {id ? (
        <GraphRoot key={id} rootId={id} />
      ) : (
        <section className="card narrow">
          <p>Pick an entity to start exploring from it. Click a node to show its neighbours.</p>
          <EntityPicker label="Start from entity" onPick={(entity) => void navigate(`/graph/${encodeURIComponent(entity.id)}`)} />
        </section>
      )}
    </>
  );
}

function GraphRoot({ rootId }: { rootId: string }) {
  const query = useQuery({
    queryKey: ["graphNode", rootId],
    queryFn: async () => {
      const data = await request(GraphNodeQuery, { id: rootId });
      return requireFound(data.entity, "entity", rootId);
    },
  });
  if (query.isPending) return <Skeleton lines={1} height="60vh" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <GraphExplorer root={query.data} />;
}

function GraphExplorer({ root }: { root: GraphEntity }) {
  const [graph] = useState<EntityGraph>(() => {
    const created = new Graph<NodeAttributes, EdgeAttributes>({ multi: true, type: "directed" });
    addEntity(created, root, { x: 0, y: 0 });
    return created;
  });
  const [selected, setSelected] = useState<string>(root.id);
  const [nodeCount, setNodeCount] = useState(1);
  const [layoutRun, setLayoutRun] = useState(0);
  const onExpanded = useCallback(() => setLayoutRun((n) => n + 1), []);
  const { expand, remaining, isExpanded, busy, errors } = useExpansion(graph, onExpanded);

  useEffect(() => {
    void expand(root.id);
  }, [expand, root.id]);

  const open = useCallback(
    (node: string) => {
      setSelected(node);
      if (!isExpanded(node)) void expand(node);
    },
    [expand, isExpanded],
  );
  const onStageClick = useCallback(() => undefined, []);

  const attributes = graph.hasNode(selected) ? graph.getNodeAttributes(selected) : null;
  const left = remaining(selected);
  const loading = busy.has(selected);
  const failure = errors.get(selected);

  return (
    <div className="graph-layout">
      <GraphCanvas graph={graph}>
        <GraphEvents onNodeClick={open} onStageClick={onStageClick} />
        <SelectionHighlight selected={selected} />
        <LayoutRunner runKey={layoutRun} />
        <NodeCount onChange={setNodeCount} />
      </GraphCanvas>
      <aside className="panel graph-panel" aria-label="Selected node">
        <p aria-live="polite" className="node-count">
          {countOf(nodeCount, "node")}
        </p>
        {attributes && (
          <>
            <h2>{attributes.label}</h2>
            <p className="muted">{attributes.entityType}</p>
            <p>
              <Link to={`/entities/${encodeURIComponent(selected)}`}>Open entity</Link>
            </p>
          </>
        )}
        {loading ? (
          <p className="muted">Loading neighbours…</p>
        ) : failure ? (
          <ErrorState error={failure} onRetry={() => void expand(selected)} />
        ) : left && (left.count > 0 || left.more) ? (
          <button type="button" onClick={() => void expand(selected)}>
            Show more{left.count > 0 ? ` (${left.count}${left.more ? "+" : ""})` : ""}
          </button>
        ) : left ? (
          <p className="muted">All neighbours shown.</p>
        ) : (
          <p className="hint">Click a node to show its neighbours.</p>
        )}
        {left && !loading && <NextNeighbours graph={graph} nodeId={selected} isExpanded={isExpanded} onExpand={open} />}
      </aside>
    </div>
  );
}

/** Buttons to expand the selected node's neighbours, those with the most unseen relations first. */
function NextNeighbours({
  graph,
  nodeId,
  isExpanded,
  onExpand,
}: {
  graph: EntityGraph;
  nodeId: string;
  isExpanded: (id: string) => boolean;
  onExpand: (id: string) => void;
}) {
  const degrees = useQuery({
    queryKey: ["graphDegrees", nodeId],
    queryFn: () => request(GraphNeighbourDegreesQuery, { id: nodeId, first: 100 }),
  });
  if (degrees.isPending) return <p className="muted">Finding neighbours to expand…</p>;
  if (degrees.isError) return <ErrorState error={degrees.error} onRetry={() => void degrees.refetch()} />;
  const totals = new Map(
    (degrees.data?.entity?.neighbors.edges ?? []).map((edge) => [edge.node.id, edge.node.relations.totalCount] as const),
  );
  const next = expandableNeighbours(graph, nodeId, totals, isExpanded);
  if (next.length === 0) return null;
  return (
    <>
      <h3>Expand next</h3>
      <ul className="expand-list">
        {next.map((neighbour) => (
          <li key={neighbour.id}>
            <button type="button" className="secondary" onClick={() => onExpand(neighbour.id)}>
              Expand {neighbour.label}
            </button>
            {neighbour.unseen > 0 && <span className="muted"> +{neighbour.unseen}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}
