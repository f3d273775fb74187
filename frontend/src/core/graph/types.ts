export interface GraphEntity {
  id: string;
  name: string;
  type: string;
}

export interface GraphRelation {
  id: string;
  label: string;
  source: GraphEntity;
  target: GraphEntity;
}

/** An entity reachable from a node, with every relation that links them. */
export interface Neighbour {
  entity: GraphEntity;
  relations: Array<{ id: string; label: string; source: string; target: string }>;
}

export interface NodeAttributes {
  label: string;
  entityType: string;
  x: number;
  y: number;
  size: number;
  color: string;
}

export interface EdgeAttributes {
  label: string;
  size: number;
  color: string;
}

export interface ExpandResult {
  /** Entities added as new nodes by this call. */
  added: GraphEntity[];
  /** Neighbours left for "Show more", in their original order. */
  rest: Neighbour[];
}
