// Graph view benchmark runner: `npm run bench:graph` (in frontend/), or
// `node bench/run.mjs [--nodes 1000,5000] [--rebuild] [--json FILE]`.
//
// Builds bench/graph.html into test-results/bench when the build is missing or older than its
// sources, serves it with a small static server on a free port, opens it in Debian's Chromium
// (headless, software WebGL through SwiftShader, as the e2e tests do) once per graph size, waits
// for window.__bench and prints a table. No browser is downloaded.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { dirname, extname, join, normalize, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(frontend, "test-results", "bench");
const browser = JSON.parse(readFileSync(join(frontend, "chromium.json"), "utf8"));
const CHROMIUM = process.env.LIBRARIAN_E2E_CHROMIUM ?? browser.executablePath;
const ARGS = [
  ...browser.args,
  // Measurement only: exact performance.memory figures, and gc() to read the heap after a collection.
  "--enable-precise-memory-info",
  "--js-flags=--expose-gc",
];
const PAGE_TIMEOUT_MS = 120_000;
const FRAME_P95_LIMIT = 50;
const RENDER_P95_LIMIT = 16.7;
const OPTIONAL_LIMIT_MS = 60_000;

function parseArgs(argv) {
  const options = { sizes: null, rebuild: false, json: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--rebuild") options.rebuild = true;
    else if (arg === "--nodes") options.sizes = argv[++i].split(",").map(Number);
    else if (arg === "--json") options.json = argv[++i];
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "gql") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function buildIfNeeded(force) {
  const built = join(outDir, "graph.html");
  const sources = ["bench", "src", "vite.bench.config.ts", "package-lock.json"].map((p) => join(frontend, p));
  const stale = !existsSync(built) || Math.max(...sources.filter(existsSync).map(newestMtime)) > statSync(built).mtimeMs;
  if (!force && !stale) return "up to date";
  if (!existsSync(join(frontend, "src", "gql"))) {
    const codegen = spawnSync("npm", ["run", "codegen"], { cwd: frontend, stdio: "inherit" });
    if (codegen.status !== 0) throw new Error("npm run codegen failed");
  }
  const vite = join(frontend, "node_modules", ".bin", "vite");
  const result = spawnSync(vite, ["build", "--config", "vite.bench.config.ts"], { cwd: frontend, stdio: "inherit" });
  if (result.status !== 0) throw new Error("vite build of the bench page failed");
  return "rebuilt";
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };

function serve(root) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path === "/" ? "graph.html" : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
    response.end(readFileSync(file));
  });
  return new Promise((resolveServer) => server.listen(0, "127.0.0.1", () => resolveServer(server)));
}

async function measure(browser, base, nodes, timeoutMs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  const started = Date.now();
  try {
    await page.goto(`${base}/graph.html?nodes=${nodes}`);
    await page.waitForFunction(() => window.__bench?.done === true, null, { timeout: timeoutMs, polling: 250 });
    const result = await page.evaluate(() => window.__bench);
    return { ...result, wallMs: Date.now() - started, errors };
  } catch (error) {
    return { nodes, error: String(error).split("\n")[0], wallMs: Date.now() - started, errors };
  } finally {
    await context.close();
  }
}

const f = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? "-" : Number(v).toFixed(digits));

function table(rows) {
  const columns = [
    ["nodes", (r) => f(r.nodes)],
    ["edges", (r) => f(r.edges)],
    ["first frame ms", (r) => f(r.firstFrameMs)],
    ["layout iters/2s", (r) => f(r.layout?.iterations)],
    ["layout ms/iter", (r) => f(r.layout?.msPerIteration, 1)],
    ["FA2 sync ms/iter", (r) => f(r.layout?.fa2SyncMsPerIteration, 1)],
    ["frame p50", (r) => f(r.panZoom?.frames.p50, 1)],
    ["frame p95", (r) => f(r.panZoom?.frames.p95, 1)],
    ["frame max", (r) => f(r.panZoom?.frames.max, 1)],
    ["fps", (r) => f(r.panZoom?.frames.fps, 1)],
    ["render p95", (r) => f(r.panZoom?.renderMs.p95, 1)],
    ["long tasks", (r) => f(r.panZoom?.longTasks.count)],
    ["long ms", (r) => f(r.panZoom?.longTasks.totalMs)],
    ["heap MB", (r) => f(r.heapAfterLoadMB, 1)],
    ["expansion ms", (r) => f(r.expansion?.toFrameMs, 1)],
  ];
  const cells = [columns.map(([name]) => name), ...rows.map((row) => columns.map(([, get]) => (row.error ? "" : get(row))))];
  const widths = columns.map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  const lines = cells.map((line) => line.map((cell, c) => cell.padStart(widths[c])).join("  "));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return lines.join("\n");
}

function phaseTable(rows) {
  const header = ["nodes", "phase", "frame p50", "p95", "max", "fps", "long tasks", "long ms", "render p95 ms", "note"];
  const cells = [header];
  for (const r of rows) {
    if (r.error) continue;
    const line = (phase, p, note) => [
      f(r.nodes),
      phase,
      f(p.frames.p50, 1),
      f(p.frames.p95, 1),
      f(p.frames.max, 1),
      f(p.frames.fps, 1),
      f(p.longTasks.count),
      f(p.longTasks.totalMs),
      f(p.renderMs.p95, 1),
      note,
    ];
    cells.push(line("layout (FA2 worker, 2 s)", r.layout, `${r.layout.iterations} iterations; main-thread write per iteration p95 ${f(r.layout.applyMs.p95, 1)} ms`));
    cells.push(line("pan + zoom (5 s)", r.panZoom, `${r.panZoom.renderMs.count} sigma renders`));
    cells.push(
      line("hover (5 s)", r.hover, `${r.hover.nodesEntered} nodes entered; mousemove handler p95 ${f(r.hover.mousemoveHandlerMs.p95, 1)} ms`),
    );
    cells.push(
      line(
        "after expansion (+25, 2 s)",
        r.expansion.layout,
        `+${r.expansion.added} nodes; expand() ${f(r.expansion.expandMs, 1)} ms, to frame ${f(r.expansion.toFrameMs, 1)} ms; ${r.expansion.layout.iterations} iterations (write p95 ${f(r.expansion.layout.applyMs.p95, 1)} ms)`,
      ),
    );
  }
  const widths = header.map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  const lines = cells.map((line) => line.map((cell, c) => (c === 1 || c === line.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return lines.join("\n");
}

async function main() {
  const startedAt = Date.now();
  const options = parseArgs(process.argv.slice(2));
  const command =
    process.env.npm_lifecycle_event === "bench:graph"
      ? `npm run bench:graph${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}   (in ${relative(resolve(frontend, ".."), frontend)}/)`
      : `node ${relative(process.cwd(), fileURLToPath(import.meta.url))} ${process.argv.slice(2).join(" ")}`.trim();
  console.log(`$ ${command}`);
  console.log(`started ${new Date().toISOString()}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}; ${cpus().length} cores`);
  console.log(`bench page build: ${buildIfNeeded(options.rebuild)} (${relative(frontend, outDir)})`);

  const server = await serve(outDir);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const rows = [];
  try {
    console.log(`browser: Chromium ${browser.version()} headless (${CHROMIUM})`);
    // 100 nodes first: the floor this machine's software rendering puts under every figure.
    const sizes = options.sizes ?? [100, 1000, 5000];
    for (const nodes of sizes) {
      const row = await measure(browser, base, nodes, PAGE_TIMEOUT_MS);
      rows.push(row);
      console.log(`  ${nodes} nodes: ${row.error ? `FAILED ${row.error}` : "done"} in ${(row.wallMs / 1000).toFixed(1)} s${row.errors.length ? `; page errors: ${row.errors.join(" | ")}` : ""}`);
    }
    if (!options.sizes) {
      // 10,000 only when it fits in a minute: the page time grows about linearly with N.
      const last = rows[rows.length - 1];
      const predicted = last && !last.error ? last.wallMs * 2 : Infinity;
      if (predicted < OPTIONAL_LIMIT_MS) {
        const row = await measure(browser, base, 10000, OPTIONAL_LIMIT_MS);
        rows.push(row);
        console.log(`  10000 nodes: ${row.error ? `FAILED ${row.error}` : "done"} in ${(row.wallMs / 1000).toFixed(1)} s`);
      } else {
        console.log(`  10000 nodes: skipped (predicted ${(predicted / 1000).toFixed(0)} s, over a minute)`);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }

  const ok = rows.find((r) => !r.error);
  console.log("");
  if (ok) {
    const e = ok.environment;
    console.log(`WebGL renderer: ${e.webgl}; ${e.cores} cores seen by the page; canvas ${e.canvas} CSS px at devicePixelRatio ${e.devicePixelRatio}`);
    console.log(
      "NOTE: rendering is software WebGL (SwiftShader) in headless Chromium on a small VM: the figures are a pessimistic bound for a desktop with a GPU.",
    );
    console.log("");
  }
  console.log(table(rows));
  console.log("");
  console.log("Per phase (frame = requestAnimationFrame delta, ms; long tasks = PerformanceObserver 'longtask' > 50 ms):");
  console.log(phaseTable(rows));
  console.log("");
  for (const r of rows) {
    if (r.error) {
      console.log(`${r.nodes} nodes: FAILED: ${r.error}`);
      continue;
    }
    const s = r.shape;
    console.log(
      `${r.nodes} nodes: graph built in ${r.buildMs} ms (${s.hubs} hubs of degree ${s.hubDegreeMin}-${s.hubDegreeMax}, ${s.share1to4}% of nodes with 1-4 relations, others up to ${s.maxOrdinaryDegree}); ` +
        `sigma ready ${r.sigmaReadyMs} ms, first frame ${r.firstFrameMs} ms (load long tasks: ${r.loadLongTasks.count}, ${r.loadLongTasks.totalMs} ms); ` +
        `heap after load ${f(r.heapAfterLoadMB, 1)} MB; page wall time ${(r.wallMs / 1000).toFixed(1)} s`,
    );
  }
  console.log("");
  console.log("Columns: first frame = mount of GraphCanvas to the second animation frame after sigma's first render;");
  console.log("  layout iters/2s = ForceAtlas2 worker iterations in LayoutRunner's 2 s run (ms/iter = 2000 / iterations);");
  console.log("  FA2 sync ms/iter = one ForceAtlas2 iteration with the same settings on the main thread;");
  console.log("  frame p50/p95/max, fps, long tasks = while the camera pans and zooms (1x-8x) for 5 s;");
  console.log("  render p95 = sigma's render() per frame in that phase (main-thread JS + WebGL calls issued, not the rasterization);");
  console.log("  expansion ms = useExpansion.expand() adding 25 neighbours to the loaded graph, to the next painted frame.");
  console.log("");
  console.log(`Verdict (thresholds: frames p95 <= ${FRAME_P95_LIMIT} ms, i.e. >= 20 fps, with SwiftShader; and sigma render p95 <= ${RENDER_P95_LIMIT} ms,`);
  console.log("  i.e. the main-thread work of a frame fits a 60 fps frame, which is what a desktop GPU would leave as the limit):");
  for (const r of rows) {
    if (r.error) continue;
    const frames = Math.max(r.panZoom.frames.p95, r.hover.frames.p95);
    const render = Math.max(r.panZoom.renderMs.p95, r.hover.renderMs.p95);
    console.log(
      `  ${String(r.nodes).padStart(6)} nodes: frame p95 ${f(frames, 1)} ms (pan/zoom, hover) -> ${frames <= FRAME_P95_LIMIT ? "smooth" : "NOT smooth"} under SwiftShader; ` +
        `render p95 ${f(render, 1)} ms -> ${render <= RENDER_P95_LIMIT ? "fits" : "does NOT fit"} a 60 fps frame`,
    );
  }
  if (options.json) {
    writeFileSync(options.json, JSON.stringify(rows, null, 2));
    console.log(`raw results: ${options.json}`);
  }
  console.log(`finished ${new Date().toISOString()} (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);
  if (rows.some((r) => r.error)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
