// Build of the graph benchmark page (bench/graph.html), run by bench/run.mjs. The output goes
// under test-results/, which git ignores.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: resolve(here, "bench"),
  base: "./",
  plugins: [react()],
  logLevel: "warn",
  build: {
    outDir: resolve(here, "test-results/bench"),
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: { input: resolve(here, "bench/graph.html") },
  },
});
