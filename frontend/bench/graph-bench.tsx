/**
 * Graph view benchmark page (run by bench/run.mjs; `npm run bench:graph`).
 *
 * Builds a synthetic graph of `?nodes=N` entities (default 5,000) with the product's own
 * functions (addEntity / neighboursOf / expandNode, 25 neighbours per expansion as "Show more"
 * does), mounts the product's GraphCanvas and controllers exactly as GraphView composes them,
 * then measures: first frame, the ForceAtlas2 worker run the product starts after an expansion,
 * frame times while the camera pans and zooms and while the pointer hovers nodes, long tasks,
 * the JS heap, and one real expansion through useExpansion (its relation page is served from a
 * pre-filled query cache, so no network is involved). Results go to `window.__bench`.
 */
import type { ResultOf } from "@graphql-typed-document-node/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { StrictMode, useCallback, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import type Sigma from "sigma";
import type { GraphRelationsQuery } from "../src/api/operations";
import { GraphCanvas } from "../src/components/graph/GraphCanvas";
import { useGraphContext } from "../src/components/graph/context";
import { GraphEvents, LayoutRunner, NodeCount, SelectionHighlight } from "../src/components/graph/controllers";
import { useExpansion } from "../src/components/graph/useExpansion";
import {
  EXPANSION_CAP,
  addEntity,
  expandNode,
  neighboursOf,
  type EdgeAttributes,
  type EntityGraph,
  type GraphEntity,
  type GraphRelation,
  type NodeAttributes,
} from "../src/core/graph";
import "../src/styles.css";

/** The same duration LayoutRunner defaults to (controllers.tsx): the worker runs this long per change. */
const LAYOUT_RUN_MS = 2000;
const INTERACTION_MS = 5000;
const EXPANSION_SIZE = EXPANSION_CAP; // 25 new neighbours, as one click adds

// ---------------------------------------------------------------------------------------------
// Synthetic data

const TYPES = ["Person", "Organization", "Place", "Document", "Event", "Concept"];
const LABELS = ["WORKS_AT", "MENTIONS", "LOCATED_IN", "PART_OF", "RELATED_TO", "AUTHORED"];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Synthetic {
  entities: GraphEntity[];
  relationsOf: Map<string, GraphRelation[]>;
  relationCount: number;
  hubs: number;
}

/**
 * N entities, ~1.5 relations per entity: a few hubs (one per ~600 entities, at least 3) take half
 * of a random spanning tree (hundreds of neighbours each); the rest of the tree and 0.5·N extra
 * random relations between ordinary entities give them 1-4 relations mostly.
 */
function synthesize(n: number, seed: number): Synthetic {
  const random = mulberry32(seed);
  const pick = (k: number) => Math.floor(random() * k);
  const hubs = Math.min(n, Math.max(3, Math.round(n / 600)));
  const entities: GraphEntity[] = [];
  for (let i = 0; i < n; i += 1) {
    const type = TYPES[i < hubs ? 1 : pick(TYPES.length)] ?? "Concept";
    entities.push({ id: `e${i}`, name: i < hubs ? `Hub ${i}` : `${type} ${i}`, type });
  }
  const pairs: Array<[number, number]> = [];
  const seen = new Set<string>();
  const link = (a: number, b: number) => {
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    pairs.push(random() < 0.5 ? [a, b] : [b, a]);
    return true;
  };
  for (let h = 1; h < hubs; h += 1) link(h, pick(h));
  for (let i = hubs; i < n; i += 1) link(i, random() < 0.5 || i === hubs ? pick(hubs) : hubs + pick(i - hubs));
  const target = Math.round(1.5 * n);
  const ordinary = n - hubs;
  for (let guard = 0; pairs.length < target && ordinary > 1 && guard < 10 * n; guard += 1) {
    link(hubs + pick(ordinary), hubs + pick(ordinary));
  }
  const relationsOf = new Map<string, GraphRelation[]>();
  pairs.forEach(([a, b], index) => {
    const source = entities[a];
    const target = entities[b];
    if (!source || !target) return;
    const relation: GraphRelation = { id: `r${index}`, label: LABELS[index % LABELS.length] ?? "RELATED_TO", source, target };
    for (const id of [source.id, target.id]) {
      const list = relationsOf.get(id);
      if (list) list.push(relation);
      else relationsOf.set(id, [relation]);
    }
  });
  return { entities, relationsOf, relationCount: pairs.length, hubs };
}

/**
 * Grows the graph from entity 0 the way the explorer does: every node is expanded, 25 new
 * neighbours at a time (expandNode places them on a ring around their centre).
 */
function buildGraph(data: Synthetic): EntityGraph {
  const graph = new Graph<NodeAttributes, EdgeAttributes>({ multi: true, type: "directed" });
  const root = data.entities[0];
  if (!root) return graph;
  addEntity(graph, root, { x: 0, y: 0 });
  const queue = [root.id];
  for (let head = 0; head < queue.length; head += 1) {
    const center = queue[head] ?? "";
    let rest = neighboursOf(center, data.relationsOf.get(center) ?? []);
    for (;;) {
      const result = expandNode(graph, center, rest, EXPANSION_CAP);
      for (const entity of result.added) queue.push(entity.id);
      rest = result.rest;
      if (result.added.length === 0 || rest.length === 0) break;
    }
  }
  return graph;
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

interface Summary {
  count: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const round = (v: number) => Math.round(v * 100) / 100;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { count: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1] ?? 0), mean: round(sum / sorted.length) };
}

interface FrameSummary extends Summary {
  fps: number;
}

function frameSummary(deltas: readonly number[]): FrameSummary {
  const total = deltas.reduce((a, b) => a + b, 0);
  return { ...summarize(deltas), fps: total > 0 ? Math.round((deltas.length / total) * 10000) / 10 : 0 };
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** requestAnimationFrame deltas for `durationMs`, calling `each` at every frame first. */
function recordFrames(durationMs: number, each?: (elapsed: number, frame: number) => void): Promise<number[]> {
  return new Promise((resolve) => {
    const deltas: number[] = [];
    let start = -1;
    let last = 0;
    const tick = (now: number) => {
      if (start < 0) start = now;
      else deltas.push(now - last);
      last = now;
      if (now - start >= durationMs) {
        resolve(deltas);
        return;
      }
      each?.(now - start, deltas.length);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

interface Span {
  start: number;
  duration: number;
}

const longTasks: Span[] = [];
let longTaskSupported = false;
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });
  longTaskSupported = PerformanceObserver.supportedEntryTypes.includes("longtask");
} catch {
  longTaskSupported = false;
}

function spansBetween(spans: readonly Span[], from: number, to: number): Span[] {
  return spans.filter((s) => s.start >= from && s.start < to);
}

function longTaskSummary(from: number, to: number) {
  const within = spansBetween(longTasks, from, to);
  return {
    count: within.length,
    totalMs: Math.round(within.reduce((a, s) => a + s.duration, 0)),
    maxMs: Math.round(within.reduce((a, s) => Math.max(a, s.duration), 0)),
  };
}

interface MemoryInfo {
  usedJSHeapSize: number;
  totalJSHeapSize: number;
}

function heapMB(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const memory = (performance as Performance & { memory?: MemoryInfo }).memory;
  return memory ? Math.round((memory.usedJSHeapSize / 1048576) * 10) / 10 : null;
}

function webglRenderer(): string {
  const gl = document.createElement("canvas").getContext("webgl2") ?? document.createElement("canvas").getContext("webgl");
  if (!gl) return "no WebGL";
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  return String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

// ---------------------------------------------------------------------------------------------
// The product's explorer, composed as GraphView composes it

interface Handle {
  sigma: Sigma<NodeAttributes, EdgeAttributes>;
  expand: (nodeId: string) => Promise<void>;
  startLayout: () => void;
}

function Probe({ onReady, expand, startLayout }: { onReady: (handle: Handle) => void } & Omit<Handle, "sigma">) {
  const { sigma } = useGraphContext();
  useEffect(() => {
    onReady({ sigma, expand, startLayout });
  }, [sigma, expand, startLayout, onReady]);
  return null;
}

function BenchExplorer({ graph, rootId, onReady }: { graph: EntityGraph; rootId: string; onReady: (handle: Handle) => void }) {
  const [selected, setSelected] = useState(rootId);
  const [nodeCount, setNodeCount] = useState(graph.order);
  const [layoutRun, setLayoutRun] = useState(0);
  const onExpanded = useCallback(() => setLayoutRun((n) => n + 1), []);
  const { expand } = useExpansion(graph, onExpanded);
  const startLayout = useCallback(() => setLayoutRun((n) => n + 1), []);
  const onStageClick = useCallback(() => undefined, []);
  return (
    <div className="graph-layout">
      <GraphCanvas graph={graph}>
        <GraphEvents onNodeClick={setSelected} onStageClick={onStageClick} />
        <SelectionHighlight selected={selected} />
        <LayoutRunner runKey={layoutRun} />
        <NodeCount onChange={setNodeCount} />
        <Probe onReady={onReady} expand={expand} startLayout={startLayout} />
      </GraphCanvas>
      <aside className="panel graph-panel" aria-label="Selected node">
        <p className="node-count">{nodeCount} nodes</p>
        <h2>{graph.hasNode(selected) ? graph.getNodeAttribute(selected, "label") : ""}</h2>
      </aside>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// The run

type RelationsPage = ResultOf<typeof GraphRelationsQuery>;

/** The relation page useExpansion will fetch for `center`: `count` entities not in the graph yet. */
function expansionPage(center: GraphEntity, count: number): RelationsPage {
  const edges = Array.from({ length: count }, (_, i) => ({
    node: {
      id: `x${i}`,
      label: "MENTIONS",
      source: { id: center.id, name: center.name, type: center.type },
      target: { id: `new${i}`, name: `New entity ${i}`, type: TYPES[i % TYPES.length] ?? "Concept" },
    },
  }));
  return { entity: { id: center.id, relations: { pageInfo: { hasNextPage: false, endCursor: null }, edges } } };
}

/**
 * The FA2 worker hands each iteration's positions to the main thread, which writes them with
 * graph.updateEachNodeAttributes (sigma re-reads every node on that event). This times that write,
 * sigma's listener included: the main-thread cost of one layout iteration.
 */
function timeLayoutWrites(graph: EntityGraph): () => number[] {
  const target = graph as unknown as { updateEachNodeAttributes: (...args: unknown[]) => void };
  const original = target.updateEachNodeAttributes;
  const durations: number[] = [];
  target.updateEachNodeAttributes = (...args: unknown[]) => {
    const start = performance.now();
    original.apply(graph, args);
    durations.push(performance.now() - start);
  };
  return () => {
    target.updateEachNodeAttributes = original;
    return durations;
  };
}

async function layoutPhase(graph: EntityGraph, renders: Span[], trigger: () => void) {
  const stop = timeLayoutWrites(graph);
  const from = performance.now();
  trigger();
  const deltas = await recordFrames(LAYOUT_RUN_MS + 300);
  const to = performance.now();
  const writes = stop();
  const iterations = writes.length;
  await sleep(200);
  return {
    runMs: LAYOUT_RUN_MS,
    iterations,
    msPerIteration: iterations > 0 ? Math.round((LAYOUT_RUN_MS / iterations) * 10) / 10 : null,
    applyMs: summarize(writes),
    frames: frameSummary(deltas),
    renderMs: summarize(spansBetween(renders, from, to).map((s) => s.duration)),
    longTasks: longTaskSummary(from, to),
  };
}

async function run(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const n = Math.max(2, Number(params.get("nodes") ?? 5000) || 5000);
  const seed = Number(params.get("seed") ?? 42) || 42;

  const buildStart = performance.now();
  const data = synthesize(n, seed);
  const graph = buildGraph(data);
  const buildMs = performance.now() - buildStart;
  const loaded = { nodes: graph.order, edges: graph.size };

  const degrees = graph.mapNodes((node) => graph.degree(node));
  const hubDegrees = data.entities.slice(0, data.hubs).map((e) => (graph.hasNode(e.id) ? graph.degree(e.id) : 0));
  const shape = {
    hubs: data.hubs,
    hubDegreeMin: Math.min(...hubDegrees),
    hubDegreeMax: Math.max(...hubDegrees),
    share1to4: Math.round((degrees.filter((d) => d >= 1 && d <= 4).length / degrees.length) * 1000) / 10,
    maxOrdinaryDegree: Math.max(0, ...graph.filterNodes((_, a) => !a.label.startsWith("Hub")).map((node) => graph.degree(node))),
  };

  // Every relation page useExpansion asks for is served from here (staleTime Infinity: no refetch).
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  const leaf = graph.findNode((node, attributes) => graph.degree(node) === 1 && !attributes.label.startsWith("Hub")) ?? graph.nodes()[1] ?? "e0";
  const leafEntity = data.entities.find((e) => e.id === leaf) ?? { id: leaf, name: leaf, type: "Concept" };
  queryClient.setQueryData(["graphRelations", leaf, null], expansionPage(leafEntity, EXPANSION_SIZE + 5));

  const renders: Span[] = [];
  let ready: (handle: Handle) => void = () => undefined;
  const handlePromise = new Promise<Handle>((resolve) => {
    ready = resolve;
  });
  let firstReady = false;
  const onReady = (handle: Handle) => {
    if (firstReady) return;
    firstReady = true;
    let renderStart = 0;
    handle.sigma.on("beforeRender", () => {
      renderStart = performance.now();
    });
    handle.sigma.on("afterRender", () => {
      renders.push({ start: renderStart, duration: performance.now() - renderStart });
    });
    ready(handle);
  };

  const container = document.getElementById("root");
  if (!container) throw new Error("graph.html has no #root");
  const mountStart = performance.now();
  createRoot(container).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BenchExplorer graph={graph} rootId="e0" onReady={onReady} />
      </QueryClientProvider>
    </StrictMode>,
  );
  const handle = await handlePromise;
  const sigmaReadyMs = performance.now() - mountStart;
  await nextFrame();
  await nextFrame();
  const firstFrameMs = performance.now() - mountStart;
  const loadLongTasks = longTaskSummary(0, performance.now());

  // The product starts the layout after the root's expansion (onExpanded -> LayoutRunner runKey).
  const layout = await layoutPhase(graph, renders, handle.startLayout);

  // What one synchronous ForceAtlas2 iteration costs with the product's settings (LayoutRunner).
  const fa2Settings = { ...forceAtlas2.inferSettings(500), barnesHutOptimize: true, slowDown: 5 };
  const copy = graph.copy();
  const fa2Start = performance.now();
  forceAtlas2.assign(copy, { iterations: 5, settings: fa2Settings });
  const fa2SyncMsPerIteration = Math.round(((performance.now() - fa2Start) / 5) * 10) / 10;

  const heapAfterLoadMB = heapMB();
  await sleep(300);

  // Pan and zoom continuously: the camera follows a loop, zooming between 1x and 8x.
  const camera = handle.sigma.getCamera();
  const panFrom = performance.now();
  const panDeltas = await recordFrames(INTERACTION_MS, (t) => {
    const a = (2 * Math.PI * t) / 2500;
    camera.setState({ x: 0.5 + 0.3 * Math.sin(a), y: 0.5 + 0.3 * Math.cos(a), ratio: Math.pow(2, -1.5 + 1.5 * Math.sin((2 * Math.PI * t) / 1700)) });
  });
  const panTo = performance.now();
  await sleep(200);
  const panZoom = {
    frames: frameSummary(panDeltas),
    renderMs: summarize(spansBetween(renders, panFrom, panTo).map((s) => s.duration)),
    longTasks: longTaskSummary(panFrom, panTo),
  };

  // Hover: at a 2x zoom on the root's area, the pointer moves onto a different node every frame.
  camera.setState({ x: 0.5, y: 0.5, ratio: 0.5, angle: 0 });
  await nextFrame();
  await nextFrame();
  const box = handle.sigma.getContainer().getBoundingClientRect();
  const targets: Array<{ x: number; y: number }> = [];
  graph.forEachNode((_, attributes) => {
    const p = handle.sigma.graphToViewport(attributes);
    if (p.x > 5 && p.y > 5 && p.x < box.width - 5 && p.y < box.height - 5) targets.push({ x: box.left + p.x, y: box.top + p.y });
  });
  let entered = 0;
  const onEnter = () => {
    entered += 1;
  };
  handle.sigma.on("enterNode", onEnter);
  const handlerMs: number[] = [];
  const hoverFrom = performance.now();
  const hoverDeltas = await recordFrames(INTERACTION_MS, (_, frame) => {
    const target = targets[(frame * 7919) % Math.max(1, targets.length)];
    if (!target) return;
    const element = document.elementFromPoint(target.x, target.y) ?? handle.sigma.getContainer();
    const start = performance.now();
    element.dispatchEvent(new MouseEvent("mousemove", { clientX: target.x, clientY: target.y, bubbles: true, cancelable: true }));
    handlerMs.push(performance.now() - start);
  });
  const hoverTo = performance.now();
  handle.sigma.off("enterNode", onEnter);
  await sleep(200);
  const hover = {
    targets: targets.length,
    nodesEntered: entered,
    frames: frameSummary(hoverDeltas),
    mousemoveHandlerMs: summarize(handlerMs),
    renderMs: summarize(spansBetween(renders, hoverFrom, hoverTo).map((s) => s.duration)),
    longTasks: longTaskSummary(hoverFrom, hoverTo),
  };
  camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  await nextFrame();

  // One expansion through useExpansion: 25 new neighbours of a leaf, then the layout it starts.
  const orderBefore = graph.order;
  let expandResolvedMs = 0;
  let expansionFrameMs = 0;
  const expansionLayout = await layoutPhase(graph, renders, () => {
    const start = performance.now();
    void handle.expand(leaf).then(async () => {
      expandResolvedMs = performance.now() - start;
      await nextFrame();
      await nextFrame();
      expansionFrameMs = performance.now() - start;
    });
  });
  const expansion = {
    node: leaf,
    added: graph.order - orderBefore,
    expandMs: Math.round(expandResolvedMs * 10) / 10,
    toFrameMs: Math.round(expansionFrameMs * 10) / 10,
    layout: expansionLayout,
  };

  const results = {
    done: true,
    nodes: loaded.nodes,
    edges: loaded.edges,
    relationsGenerated: data.relationCount,
    requestedNodes: n,
    shape,
    buildMs: Math.round(buildMs),
    sigmaReadyMs: Math.round(sigmaReadyMs),
    firstFrameMs: Math.round(firstFrameMs),
    loadLongTasks,
    layout: { ...layout, fa2SyncMsPerIteration },
    heapAfterLoadMB,
    panZoom,
    hover,
    expansion,
    environment: {
      webgl: webglRenderer(),
      cores: navigator.hardwareConcurrency,
      devicePixelRatio: window.devicePixelRatio,
      canvas: `${Math.round(box.width)}x${Math.round(box.height)}`,
      longTaskSupported,
      userAgent: navigator.userAgent,
    },
  };
  (window as unknown as { __bench: unknown }).__bench = results;
  const output = document.getElementById("bench-output");
  if (output) output.textContent = JSON.stringify(results, null, 2);
}

run().catch((error: unknown) => {
  (window as unknown as { __bench: unknown }).__bench = { done: true, error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) };
});
