import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { useEffect, useRef } from "react";
import { useGraphContext } from "./context";

/** Clicking a node selects it; clicking the stage clears the selection. */
export function GraphEvents({ onNodeClick, onStageClick }: { onNodeClick: (node: string) => void; onStageClick: () => void }) {
  const { sigma } = useGraphContext();
  useEffect(() => {
    const clickNode = ({ node }: { node: string }) => onNodeClick(node);
    sigma.on("clickNode", clickNode);
    sigma.on("clickStage", onStageClick);
    return () => {
      sigma.off("clickNode", clickNode);
      sigma.off("clickStage", onStageClick);
    };
  }, [sigma, onNodeClick, onStageClick]);
  return null;
}

/** Highlights the selected node and its neighbours through sigma reducers (no per-node React state). */
export function SelectionHighlight({ selected }: { selected: string | null }) {
  const { sigma, graph } = useGraphContext();
  useEffect(() => {
    if (!selected || !graph.hasNode(selected)) {
      sigma.setSetting("nodeReducer", null);
      sigma.setSetting("edgeReducer", null);
      return;
    }
    sigma.setSetting("nodeReducer", (node, data) =>
      node === selected ? { ...data, highlighted: true, zIndex: 2 } : data,
    );
    sigma.setSetting("edgeReducer", (edge, data) =>
      graph.hasExtremity(edge, selected) ? { ...data, color: "#5b6b82", size: 2, zIndex: 1 } : data,
    );
  }, [sigma, graph, selected]);
  return null;
}

/** Past this many nodes the layout no longer runs: each of its steps rewrites every node's
 * position, and sigma then re-processes the whole graph (about 45 ms of main-thread work per
 * step at 5,000 nodes, measured by bench/ui_graph_bench.py), so the view would stutter for the
 * whole run. New neighbours keep their ring around the node they came from. */
export const LAYOUT_MAX_NODES = 2000;

/** Runs ForceAtlas2 in a web worker for a bounded time after each change (`runKey`), while the
 * graph has at most `maxNodes` nodes. */
export function LayoutRunner({
  runKey,
  durationMs = 2000,
  maxNodes = LAYOUT_MAX_NODES,
}: {
  runKey: number;
  durationMs?: number;
  maxNodes?: number;
}) {
  const { graph } = useGraphContext();
  const layout = useRef<FA2Layout | null>(null);
  useEffect(() => {
    if (typeof Worker === "undefined") return;
    const created = new FA2Layout(graph, {
      settings: { ...forceAtlas2.inferSettings(500), barnesHutOptimize: true, slowDown: 5 },
    });
    layout.current = created;
    return () => {
      created.kill();
      layout.current = null;
    };
  }, [graph]);
  useEffect(() => {
    const current = layout.current;
    if (!current || runKey === 0 || graph.order < 2 || graph.order > maxNodes) return;
    current.start();
    const timer = setTimeout(() => current.stop(), durationMs);
    return () => {
      clearTimeout(timer);
      current.stop();
    };
  }, [graph, runKey, durationMs, maxNodes]);
  return null;
}

/** Reports the node count at most once per animation frame, however many nodes a batch adds. */
export function NodeCount({ onChange }: { onChange: (count: number) => void }) {
  const { graph } = useGraphContext();
  useEffect(() => {
    let frame = 0;
    const report = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        onChange(graph.order);
      });
    };
    onChange(graph.order);
    graph.on("nodeAdded", report);
    graph.on("nodeDropped", report);
    graph.on("cleared", report);
    return () => {
      cancelAnimationFrame(frame);
      graph.off("nodeAdded", report);
      graph.off("nodeDropped", report);
      graph.off("cleared", report);
    };
  }, [graph, onChange]);
  return null;
}
