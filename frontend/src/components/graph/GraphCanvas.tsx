import { useEffect, useRef, useState, type ReactNode } from "react";
import Sigma from "sigma";
import type { EdgeAttributes, EntityGraph, NodeAttributes } from "../../core/graph";
import { GraphContext, type GraphContextValue } from "./context";

/**
 * Creates the sigma renderer once for the given graph and hands both to the renderless
 * controllers inside; data changes mutate the graph, never this component's state.
 */
export function GraphCanvas({ graph, children }: { graph: EntityGraph; children?: ReactNode }) {
  const container = useRef<HTMLDivElement>(null);
  const [value, setValue] = useState<GraphContextValue | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const sigma = new Sigma<NodeAttributes, EdgeAttributes>(graph, container.current, {
      renderEdgeLabels: false,
      // Nodes are drawn at size 6: their names show at the start and fade out as one zooms out,
      // and sigma's label grid keeps thousands of them from piling up.
      labelRenderedSizeThreshold: 5,
      defaultEdgeType: "line",
      zIndex: true,
      allowInvalidContainer: true,
    });
    setValue({ graph, sigma });
    return () => {
      setValue(null);
      sigma.kill();
    };
  }, [graph]);

  return (
    <div className="graph-canvas" data-testid="graph-canvas" ref={container}>
      {value && <GraphContext.Provider value={value}>{children}</GraphContext.Provider>}
    </div>
  );
}
