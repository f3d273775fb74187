import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fakeGraphQL, graphqlError } from "../test/fakeServer";
import { renderApp } from "../test/render";

function captureDownloads() {
  const downloads: Array<{ name: string; href: string }> = [];
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    downloads.push({ name: this.download, href: this.href });
  });
  URL.createObjectURL = vi.fn(() => "blob:fake");
  URL.revokeObjectURL = vi.fn();
  return downloads;
}

describe("export", () => {
  it("fetches the kind and format with the token and saves it under a librarian- name", async () => {
    const downloads = captureDownloads();
    const { calls } = fakeGraphQL({
      "/export/facts?format=csv": () => ({ body: "id,field,value" }),
      "/export/entities?format=json": () => ({ body: { id: "ent_1" } }),
    });
    const { user } = renderApp("/export", { token: "tok-x" });

    const facts = screen.getByRole("region", { name: "Facts" });
    await user.click(within(facts).getByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(calls[0]?.url).toBe("/export/facts?format=csv");
    expect(calls[0]?.headers.get("Authorization")).toBe("Bearer tok-x");
    expect(downloads[0]).toEqual({ name: "librarian-facts.csv", href: "blob:fake" });

    await user.click(within(screen.getByRole("region", { name: "Entities" })).getByRole("button", { name: "Download JSON" }));
    await waitFor(() => expect(downloads).toHaveLength(2));
    expect(calls[1]?.url).toBe("/export/entities?format=json");
    expect(downloads[1]?.name).toBe("librarian-entities.json");
  });

  it("shows the error code when the export is refused", async () => {
    const downloads = captureDownloads();
    fakeGraphQL({ "/export/messages?format=csv": () => graphqlError("UNAVAILABLE", "Neo4j is down", 503) });
    const { user } = renderApp("/export");
    await user.click(within(screen.getByRole("region", { name: "Messages" })).getByRole("button", { name: "Download CSV" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("UNAVAILABLE");
    expect(alert).toHaveTextContent("Neo4j is down");
    expect(downloads).toEqual([]);
  });
});
