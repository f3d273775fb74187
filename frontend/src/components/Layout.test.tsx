import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL } from "../test/fakeServer";
import { renderApp } from "../test/render";

describe("layout", () => {
  it("names the page in the title and moves focus to its heading after navigation", async () => {
    fakeGraphQL({ SchemaRegistry: () => data({ schemaRegistry: [] }) });
    const { user } = renderApp("/ask");
    await waitFor(() => expect(document.title).toBe("Ask · Librarian"));

    await user.click(within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", { name: "Schema" }));
    const heading = await screen.findByRole("heading", { level: 1 });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(document.title).toBe(`${heading.textContent ?? ""} · Librarian`);
  });

  it("offers a Skip to content link to the main region", () => {
    fakeGraphQL({});
    renderApp("/ask");
    const skip = screen.getByRole("link", { name: "Skip to content" });
    expect(skip).toHaveAttribute("href", "#main-content");
    expect(screen.getByRole("main")).toHaveAttribute("id", "main-content");
  });
});
