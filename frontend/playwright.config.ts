// End-to-end tests against the real stack. They are started by tests/e2e/test_ui.py (inside
// `make test`), which brings up Neo4j, Redis, a worker and the API serving frontend/dist, and
// passes their address and a token in the environment. No browser is downloaded: Playwright
// drives Debian's Chromium.
import { defineConfig } from "@playwright/test";
import { readFileSync } from "node:fs";

// Shared with the graph bench (bench/run.mjs).
const browser = JSON.parse(readFileSync(new URL("./chromium.json", import.meta.url), "utf8")) as {
  executablePath: string;
  args: string[];
};

const output = process.env.LIBRARIAN_E2E_OUTPUT ?? "test-results/e2e";

export default defineConfig({
  testDir: "e2e",
  outputDir: `${output}/artifacts`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 600_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.LIBRARIAN_E2E_URL,
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.LIBRARIAN_E2E_CHROMIUM ?? browser.executablePath,
      args: browser.args,
    },
  },
});
