// A newcomer's first session, against the real stack (see playwright.config.ts): sign in, see
// the empty, loading and error states, ingest a transcript and watch it complete, search, open
// an entity and a fact's provenance, expand the graph, ask a question, export CSV. Every view
// is photographed into LIBRARIAN_E2E_OUTPUT/screenshots.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { readFile } from "node:fs/promises";

const token = process.env.LIBRARIAN_E2E_TOKEN ?? "";
const shots = `${process.env.LIBRARIAN_E2E_OUTPUT ?? "test-results/e2e"}/screenshots`;

const TRANSCRIPT = `# Catching up
[2024-03-01 10:00] Ana Costa: Hi Ben! I finally started my new job, I work as a nurse now.
[2024-03-01 10:01] Ben Okafor: Congrats Ana! My sister Maria is a nurse too, she lives in Lisbon.
[2024-03-01 10:02] Ana Costa: Nice. I live in Porto and I work at Hospital Santo António.
[2024-03-01 10:03] Ben Okafor: Maria works at Hospital Santo António as well, on the night shift.
[2024-03-01 10:04] Ben Okafor: I'm allergic to peanuts, so no cake for me at your party.
`;

declare global {
  interface Window {
    __layoutShift: number;
  }
}

/** Sums the page's layout shifts (what Core Web Vitals calls CLS), from its first paint. */
async function watchLayoutShift(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) window.__layoutShift += entry.value;
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${shots}/${name}.png` });
}

function heading(page: Page, name: string) {
  return page.getByRole("heading", { level: 1, name });
}

function loading(scope: Page | Locator) {
  return scope.getByRole("status", { name: "Loading" });
}

/** Holds every GraphQL request until the returned function is called. */
async function holdRequests(page: Page): Promise<() => Promise<void>> {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/graphql", async (route) => {
    await held;
    await route.continue();
  });
  return async () => {
    release();
    // A held request that the page gave up on (it navigated away) is gone: nothing to finish.
    await page.unrouteAll({ behavior: "ignoreErrors" });
  };
}

/** Answers every GraphQL request as the API does when Neo4j is down. */
async function failRequests(page: Page): Promise<() => Promise<void>> {
  await page.route("**/graphql", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({
        errors: [
          { message: "The graph store is unreachable; retry.", extensions: { code: "UNAVAILABLE" } },
        ],
      }),
    }),
  );
  return () => page.unrouteAll({ behavior: "ignoreErrors" });
}

/** Photographs the view at ``path`` while its data is on the way, then when the API fails, and
 * checks that Retry brings it back. */
async function loadingThenError(page: Page, path: string, name: string): Promise<void> {
  const release = await holdRequests(page);
  await page.goto(path);
  await expect(loading(page).first()).toBeVisible();
  await shot(page, `${name}-loading`);
  await release();

  const restore = await failRequests(page);
  await page.reload();
  await expect(page.getByRole("alert")).toContainText("UNAVAILABLE");
  await shot(page, `${name}-error`);
  await restore();
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(loading(page)).toHaveCount(0);
}

test("a newcomer signs in, ingests, explores, asks and exports", async ({ page }) => {
  expect(token, "LIBRARIAN_E2E_TOKEN must be set (tests/e2e/test_ui.py sets it)").not.toBe("");
  let entityPath = "";
  let conversationPath = "";
  await watchLayoutShift(page);

  await test.step("sign in, after a wrong token", async () => {
    await page.goto("/conversations");
    await expect(page).toHaveURL(/\/signin/);
    await shot(page, "signin");
    await page.getByLabel("API token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("UNAUTHENTICATED");
    await shot(page, "signin-error");
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/conversations/);
  });

  await test.step("every view, empty", async () => {
    const views: [string, string, string][] = [
      ["/conversations", "Conversations", "conversations-empty"],
      ["/search", "Search", "search-empty"],
      ["/graph", "Graph", "graph-empty"],
      ["/schema", "Schema", "schema-empty"],
      ["/ask", "Ask", "ask-empty"],
      ["/export", "Export", "export"],
    ];
    for (const [path, name, file] of views) {
      await page.goto(path);
      await expect(heading(page, name)).toBeVisible();
      await expect(loading(page)).toHaveCount(0);
      await shot(page, file);
    }
  });

  await test.step("loading and error states, then retry", async () => {
    await loadingThenError(page, "/conversations", "conversations");
    await loadingThenError(page, "/schema", "schema");
    await loadingThenError(page, "/status", "status");
  });

  await test.step("status: Neo4j, Redis and the worker are up", async () => {
    await page.goto("/status");
    await expect(page.getByText("down")).toHaveCount(0);
    await expect(page.getByText("ok", { exact: true })).toHaveCount(3);
    await shot(page, "status");
  });

  await test.step("ingest a transcript and watch it complete", async () => {
    await page.goto("/conversations");
    await page.getByLabel("Transcript").fill(TRANSCRIPT);
    await page.getByLabel("File name").fill("catching-up.txt");
    await page.getByRole("button", { name: "Ingest" }).click();
    const jobs = page.getByRole("list", { name: "Jobs" });
    await expect(jobs).toContainText(/pending|running|complete/);
    await shot(page, "conversations-ingesting");
    await expect(jobs).toContainText("complete", { timeout: 180_000 });
    await expect(page.getByRole("link", { name: "Catching up" })).toBeVisible();
    await shot(page, "conversations");
  });

  await test.step("search, then open an entity and a fact's provenance", async () => {
    await page.goto("/search");
    await page.getByLabel("Search").fill("@@@ ###");
    await expect(page.getByText(/No results for/)).toBeVisible();
    await shot(page, "search-no-results");
    await page.getByLabel("Search").fill("Ana Costa nurse");
    await expect(page.getByRole("heading", { level: 2, name: "Entities" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Messages" })).toBeVisible();
    await expect(page.locator("mark").first()).toBeVisible();
    await shot(page, "search");
    await page.getByLabel("Search").press("ArrowDown");
    await page.getByLabel("Search").press("Enter");
    await expect(page).toHaveURL(/\/entities\//);
    await expect(heading(page, "Ana Costa")).toBeVisible();
    entityPath = new URL(page.url()).pathname;
    await shot(page, "entity");
    const facts = page.getByRole("region", { name: "Facts" });
    await facts.getByRole("button").first().click();
    const provenance = page.getByRole("complementary", { name: "Provenance" });
    await expect(provenance).toBeVisible();
    await expect(loading(provenance)).toHaveCount(0);
    // The fact's own words, quoted from the message it was extracted from.
    await expect(provenance.getByText(/I work as a nurse now|I live in Porto/).first()).toBeVisible();
    await shot(page, "entity-provenance");
  });

  await test.step("expand the graph from the entity", async () => {
    await page.getByRole("link", { name: "Open in graph" }).click();
    await expect(heading(page, "Graph")).toBeVisible();
    const canvas = page.getByTestId("graph-canvas");
    await expect(canvas).toBeVisible();
    const count = page.getByText(/^[\d,]+ nodes?$/);
    const nodes = async () => Number((await count.textContent())?.split(" ")[0]?.replace(/,/g, ""));
    // The first expansion (the entity's own neighbours) is done once "Expand …" is offered.
    const expand = page.getByRole("button", { name: /^Expand / }).first();
    await expect(expand).toBeVisible();
    const before = await nodes();
    expect(before).toBeGreaterThan(1);
    await expand.click();
    await expect.poll(nodes).toBeGreaterThan(before);
    await shot(page, "graph");
  });

  await test.step("ask a question and open a citation", async () => {
    await page.goto("/ask");
    await page.getByLabel("Question").fill("Where does Ana work?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    const citation = page.getByRole("link", { name: "[1]" });
    await expect(citation).toBeVisible({ timeout: 60_000 });
    await shot(page, "ask");
    await citation.click();
    await expect(page).toHaveURL(/\/conversations\/.+message=/);
    conversationPath = new URL(page.url()).pathname;
    await expect(page.locator('[aria-current="true"]')).toContainText(/Ana|nurse|Hospital/);
    await shot(page, "conversation-cited-message");
  });

  await test.step("the schema registry, populated", async () => {
    await page.goto("/schema");
    await expect(heading(page, "Schema")).toBeVisible();
    await expect(loading(page)).toHaveCount(0);
    await expect(page.getByText(/person/i).first()).toBeVisible();
    await shot(page, "schema");
  });

  await test.step("export entities as CSV", async () => {
    await page.goto("/export");
    const entities = page.getByRole("region", { name: "Entities" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      entities.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("librarian-entities.csv");
    const csv = await readFile(await download.path(), "utf8");
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toContain("id");
    expect(rows.join("\n")).toContain("Ana Costa");
    await shot(page, "export-done");

    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/export/**", async (route) => {
      await held;
      await route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({
          errors: [{ message: "Neo4j is unreachable; retry.", extensions: { code: "UNAVAILABLE" } }],
        }),
      });
    });
    await entities.getByRole("button", { name: "Download JSON" }).click();
    await expect(entities.getByRole("button", { name: "Download JSON" })).toHaveAttribute(
      "aria-busy",
      "true",
    );
    await shot(page, "export-loading");
    release();
    await expect(page.getByRole("alert")).toContainText("UNAVAILABLE");
    await shot(page, "export-error");
    await page.unrouteAll({ behavior: "ignoreErrors" });
  });

  await test.step("loading and error states of the views that show data", async () => {
    expect(entityPath).toMatch(/^\/entities\/.+/);
    expect(conversationPath).toMatch(/^\/conversations\/.+/);
    await loadingThenError(page, "/search?q=Ana", "search");
    await loadingThenError(page, entityPath, "entity");
    await loadingThenError(page, conversationPath, "conversation");
    await loadingThenError(page, entityPath.replace("/entities/", "/graph/"), "graph");
    await page.goto("/entities/ent_that_does_not_exist");
    await expect(page.getByRole("alert")).toContainText("NOT_FOUND");
    await shot(page, "entity-not-found");
  });

  await test.step("nothing jumps while a view loads its data", async () => {
    // Skeletons hold the place of what replaces them. 0.1 is the bound of a "good" CLS.
    const views: [string, RegExp][] = [
      ["/conversations", /Catching up/],
      ["/search?q=Ana", /Ana Costa/],
      [entityPath, /occupation/],
      [conversationPath, /night shift/],
      ["/schema", /person/i],
      ["/status", /ok/],
    ];
    for (const [path, content] of views) {
      await page.goto(path);
      await expect(page.getByText(content).first()).toBeVisible();
      await expect(loading(page)).toHaveCount(0);
      await page.waitForTimeout(300); // let late layout settle before reading the sum
      const shift = await page.evaluate(() => window.__layoutShift);
      expect(shift, `layout shift while ${path} loaded`).toBeLessThan(0.1);
    }
  });
});

test("ask shows its streaming state, and an error it can retry", async ({ page }) => {
  await page.addInitScript((secret) => localStorage.setItem("librarian.token", secret), token);
  let fail = false;
  // The answer streams over graphql-transport-ws: stand in for the server's socket, holding the
  // answer back (streaming state), or failing the operation as the API does when Neo4j is down.
  await page.routeWebSocket("**/graphql", (socket) => {
    socket.onMessage((raw) => {
      const message = JSON.parse(String(raw)) as { type: string; id?: string };
      if (message.type === "connection_init") socket.send(JSON.stringify({ type: "connection_ack" }));
      if (message.type === "subscribe" && fail) {
        socket.send(
          JSON.stringify({
            id: message.id,
            type: "error",
            payload: [{ message: "Neo4j is unreachable; retry.", extensions: { code: "UNAVAILABLE" } }],
          }),
        );
      }
    });
  });
  await page.goto("/ask");
  await page.getByLabel("Question").fill("Where does Ana work?");
  await page.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(page.getByTestId("answer")).toHaveAttribute("aria-busy", "true");
  await shot(page, "ask-loading");

  fail = true;
  await page.reload();
  await page.getByLabel("Question").fill("Where does Ana work?");
  await page.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("UNAVAILABLE");
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
  await shot(page, "ask-error");
});
