import type Graph from "graphology";
import type { EdgeAttributes, ExpandResult, GraphEntity, GraphRelation, Neighbour, NodeAttributes } from "./types";

export type { EdgeAttributes, ExpandResult, GraphEntity, GraphRelation, Neighbour, NodeAttributes } from "./types";

export type EntityGraph = Graph<NodeAttributes, EdgeAttributes>;

/** How many new neighbours one expansion adds. */
export const EXPANSION_CAP = 25;

const PALETTE = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd"];

/** A stable colour per entity type. */
export function colorForType(type: string): string {
  let hash = 0;
  for (const char of type) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length] ?? "#8c8c8c";
}

/** The distinct entities linked to `centerId`, in first-seen order, each with all its relations. */
export function neighboursOf(centerId: string, relations: readonly GraphRelation[]): Neighbour[] {
  const byId = new Map<string, Neighbour>();
  for (const relation of relations) {
    const other = relation.source.id === centerId ? relation.target : relation.source;
    if (other.id === centerId) continue;
    let neighbour = byId.get(other.id);
    if (!neighbour) {
      neighbour = { entity: other, relations: [] };
      byId.set(other.id, neighbour);
    }
    neighbour.relations.push({ id: relation.id, label: relation.label, source: relation.source.id, target: relation.target.id });
  }
  return [...byId.values()];
}

/** A point on a ring around (cx, cy): index of count, rotated so successive rings do not overlap. */
export function ringPosition(cx: number, cy: number, index: number, count: number, radius: number): { x: number; y: number } {
  const angle = (2 * Math.PI * index) / Math.max(count, 1) + radius;
  return { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) };
}

/** Add an entity as a node unless it is there; returns whether it was added. */
export function addEntity(graph: EntityGraph, entity: GraphEntity, position: { x: number; y: number }): boolean {
  if (graph.hasNode(entity.id)) return false;
  graph.addNode(entity.id, {
    label: entity.name,
    entityType: entity.type,
    x: position.x,
    y: position.y,
    size: 6,
    color: colorForType(entity.type),
  });
  return true;
}

function addRelations(graph: EntityGraph, neighbour: Neighbour): void {
  for (const relation of neighbour.relations) {
    if (graph.hasEdge(relation.id)) continue;
    if (!graph.hasNode(relation.source) || !graph.hasNode(relation.target)) continue;
    graph.addEdgeWithKey(relation.id, relation.source, relation.target, { label: relation.label, size: 1, color: "#b8bec7" });
  }
}

/**
 * Add up to `cap` new neighbours of `centerId` (with their relations), and the relations to
 * neighbours already shown; what is left over comes back for "Show more".
 */
export function expandNode(graph: EntityGraph, centerId: string, candidates: readonly Neighbour[], cap = EXPANSION_CAP): ExpandResult {
  if (!graph.hasNode(centerId)) return { added: [], rest: [...candidates] };
  const center = graph.getNodeAttributes(centerId);
  const fresh = candidates.filter((n) => !graph.hasNode(n.entity.id));
  const taken = fresh.slice(0, cap);
  const rest = fresh.slice(cap);
  const radius = 10 + Math.sqrt(graph.order) * 2;
  taken.forEach((neighbour, index) => {
    addEntity(graph, neighbour.entity, ringPosition(center.x, center.y, index, taken.length, radius));
  });
  for (const neighbour of candidates) {
    if (graph.hasNode(neighbour.entity.id)) addRelations(graph, neighbour);
  }
  if (taken.length > 0) graph.setNodeAttribute(centerId, "size", Math.min(14, 6 + Math.log2(1 + graph.degree(centerId))));
  return { added: taken.map((n) => n.entity), rest };
}

export interface ExpandableNeighbour {
  id: string;
  label: string;
  /** Relations the server knows that the graph does not show yet (at least 0). */
  unseen: number;
}

/**
 * The selected node's neighbours worth expanding next: not expanded yet, most unseen relations
 * first (from `totals`, each entity's relation count on the server), at most `limit`.
 */
export function expandableNeighbours(
  graph: EntityGraph,
  nodeId: string,
  totals: ReadonlyMap<string, number>,
  isExpanded: (id: string) => boolean,
  limit = 10,
): ExpandableNeighbour[] {
  if (!graph.hasNode(nodeId)) return [];
  return graph
    .neighbors(nodeId)
    .filter((id) => !isExpanded(id))
    .map((id) => ({
      id,
      label: graph.getNodeAttribute(id, "label"),
      unseen: Math.max(0, (totals.get(id) ?? 0) - graph.degree(id)),
    }))
    .sort((a, b) => b.unseen - a.unseen || a.label.localeCompare(b.label))
    .slice(0, limit);
}
