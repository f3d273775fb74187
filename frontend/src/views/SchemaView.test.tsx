import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { data, fakeGraphQL, graphqlError } from "../test/fakeServer";
import { renderApp } from "../test/render";

const registry = data({
  schemaRegistry: [
    { kind: "FIELD", label: "occupation", usage: 12, matchedBy: "NEW", aliases: [{ label: "profession", usage: 0, matchedBy: "EMBEDDING" }] },
    { kind: "FIELD", label: "job", usage: 3, matchedBy: "NEW", aliases: [] },
    { kind: "RELATION", label: "works_at", usage: 5, matchedBy: "NEW", aliases: [] },
  ],
});

describe("schema", () => {
  it("makes a label an alias of the picked canonical label, then shows a CONFLICT on undo", async () => {
    const { calls } = fakeGraphQL({
      SchemaRegistry: () => registry,
      MakeLabelAlias: () =>
        data({ makeLabelAlias: { id: "lch_1", kind: "FIELD", label: "job", fromCanonical: "job", toCanonical: "occupation", status: "ACTIVE", relabelled: 3 } }),
      UndoLabelChange: () => graphqlError("CONFLICT", "Undo lch_2 first"),
    });
    const { user } = renderApp("/schema");
    const fields = (await screen.findByRole("heading", { name: "Fact fields" })).closest("section")!;
    expect(within(fields).getByText("profession")).toBeInTheDocument();
    const jobRow = within(fields).getByText("job").closest("tr")!;
    await user.click(within(jobRow).getByRole("button", { name: "Make alias" }));

    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByLabelText("Canonical label")).toHaveValue("occupation");
    await user.click(within(dialog).getByRole("button", { name: "Confirm: make alias" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(calls.find((c) => c.operationName === "MakeLabelAlias")?.variables).toEqual({ kind: "FIELD", label: "job", canonical: "occupation" });

    await user.click(screen.getByRole("button", { name: "Undo" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("CONFLICT");
    expect(alert).toHaveTextContent("Undo lch_2 first");
  });

  it("opens the alias dialog modally; Escape closes it and focus returns to its opener", async () => {
    fakeGraphQL({ SchemaRegistry: () => registry });
    const { user } = renderApp("/schema");
    const fields = (await screen.findByRole("heading", { name: "Fact fields" })).closest("section")!;
    const opener = within(within(fields).getByText("job").closest("tr")!).getByRole("button", { name: "Make alias" });
    await user.click(opener);

    const dialog = screen.getByRole("dialog", { name: "Make “job” an alias" });
    expect(dialog.tagName).toBe("DIALOG");
    expect(dialog).toHaveAttribute("open");
    expect(within(dialog).getByLabelText("Canonical label")).toHaveFocus();

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(opener).toHaveFocus();
  });
});
