import { createContext, useContext } from "react";
import type Sigma from "sigma";
import type { EntityGraph, EdgeAttributes, NodeAttributes } from "../../core/graph";

export interface GraphContextValue {
  graph: EntityGraph;
  sigma: Sigma<NodeAttributes, EdgeAttributes>;
}

export const GraphContext = createContext<GraphContextValue | null>(null);

/** The one graph and sigma instance of the enclosing GraphCanvas. */
export function useGraphContext(): GraphContextValue {
  const value = useContext(GraphContext);
  if (!value) throw new Error("useGraphContext outside <GraphCanvas>");
  return value;
}
