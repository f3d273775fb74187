import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL } from "../test/fakeServer";
import { renderApp } from "../test/render";

const conversation = { id: "conv_1", title: "Standup" };

function searchResult() {
  return data({
    search: {
      totalCount: 3,
      edges: [
        {
          cursor: "c1",
          node: {
            kind: "MESSAGE",
            score: 0.03,
            snippet: { text: "I moved to Lyon", parts: [{ text: "I moved to ", highlighted: false }, { text: "Lyon", highlighted: true }] },
            message: { id: "msg_7", speaker: "Ana", timestamp: null, conversation },
            entity: null,
            fact: null,
          },
        },
        {
          cursor: "c2",
          node: {
            kind: "ENTITY",
            score: 0.05,
            snippet: { text: "Lyon", parts: [{ text: "Lyon", highlighted: true }] },
            message: null,
            entity: { id: "ent_lyon", name: "Lyon", type: "place" },
            fact: null,
          },
        },
        {
          cursor: "c3",
          node: {
            kind: "FACT",
            score: 0.04,
            snippet: { text: "city: Lyon", parts: [{ text: "city: ", highlighted: false }, { text: "Lyon", highlighted: true }] },
            message: { id: "msg_7", speaker: "Ana", timestamp: null, conversation },
            entity: { id: "ent_ana", name: "Ana", type: "person" },
            fact: { id: "fact_1", field: "city", value: "Lyon" },
          },
        },
      ],
    },
  });
}

describe("search", () => {
  it("hints what to do before anything is typed", () => {
    fakeGraphQL({});
    renderApp("/search");
    expect(screen.getByText(/Type words to search/)).toBeInTheDocument();
  });

  it("groups hits under Entities, Facts and Messages, highlights matches and keeps the query in the URL", async () => {
    const { calls } = fakeGraphQL({ Search: () => searchResult() });
    const { user } = renderApp("/search");
    await user.type(screen.getByLabelText("Search"), "lyon");

    const headings = await screen.findAllByRole("heading", { level: 2 });
    expect(headings.map((h) => h.textContent)).toEqual(["Entities", "Facts", "Messages"]);
    const messages = screen.getByRole("listbox", { name: "Messages" });
    expect(within(messages).getByText("Lyon", { selector: "mark" })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/search?q=lyon"));
    // Debounced: one request for the whole word, not one per key.
    expect(calls.filter((c) => c.operationName === "Search").map((c) => c.variables.query)).toEqual(["lyon"]);
  });

  it("moves the active result with the arrow keys and opens it with Enter", async () => {
    fakeGraphQL({ Search: () => searchResult() });
    const { user } = renderApp("/search?q=lyon");
    await screen.findByRole("heading", { name: "Messages" });
    const input = screen.getByLabelText("Search");
    const options = () => screen.getAllByRole("option");

    await user.click(input);
    await user.keyboard("{ArrowDown}");
    expect(options()[0]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(options()[2]).toHaveAttribute("aria-selected", "true");
    expect(options()[0]).toHaveAttribute("aria-selected", "false");
    await user.keyboard("{ArrowUp}");
    expect(options()[1]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}{Enter}");

    expect(screen.getByTestId("location")).toHaveTextContent("/conversations/conv_1?message=msg_7");
  });

  it("says when nothing matched", async () => {
    fakeGraphQL({ Search: () => data({ search: { totalCount: 0, edges: [] } }) });
    renderApp("/search?q=zebra");
    expect(await screen.findByText("No results for “zebra”. Try fewer or different words.")).toBeInTheDocument();
  });

  it("ignores Enter while the typed text has not been searched yet", async () => {
    fakeGraphQL({ Search: () => searchResult() });
    const { user } = renderApp("/search?q=lyon");
    await screen.findByRole("heading", { name: "Messages" });
    const input = screen.getByRole("combobox", { name: "Search" });
    await user.click(input);
    await user.keyboard("{ArrowDown}");
    expect(screen.getAllByRole("option")[0]).toHaveAttribute("aria-selected", "true");
    expect(input).toHaveAttribute("aria-activedescendant", screen.getAllByRole("option")[0]!.id);

    // Within the debounce the results on screen are still those of "lyon".
    await user.keyboard("x{Enter}");
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/search/);
    expect(input).not.toHaveAttribute("aria-activedescendant");
  });

  it("keeps the previous results on screen, busy, while a new term loads", async () => {
    let release: () => void = () => undefined;
    fakeGraphQL({
      Search: (variables) =>
        variables.query === "lyon"
          ? searchResult()
          : new Promise((resolve) => (release = () => resolve(data({ search: { totalCount: 0, edges: [] } })))),
    });
    const { user } = renderApp("/search?q=lyon");
    await screen.findByRole("heading", { name: "Messages" });
    const results = document.getElementById(screen.getByRole("combobox", { name: "Search" }).getAttribute("aria-controls")!)!;
    expect(results).toHaveAttribute("aria-busy", "false");

    await user.type(screen.getByLabelText("Search"), " paris");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("q=lyon+paris"));
    expect(screen.queryByRole("status", { name: "Loading" })).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Messages" })).toBeInTheDocument();
    expect(results).toHaveAttribute("aria-busy", "true");

    release();
    expect(await screen.findByText("No results for “lyon paris”. Try fewer or different words.")).toBeInTheDocument();
    expect(results).toHaveAttribute("aria-busy", "false");
  });
});
