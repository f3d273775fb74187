import { describe, expect, it } from "vitest";
import { EXPORT_KINDS, exportFileName, exportUrl } from ".";

describe("export", () => {
  it("asks the server for the kind in lower case and the format", () => {
    expect(exportUrl("relations", "csv")).toBe("/export/relations?format=csv");
    expect(exportUrl("messages", "json")).toBe("/export/messages?format=json");
  });

  it("names files librarian-{kind}.{ext}", () => {
    expect(exportFileName("facts", "json")).toBe("librarian-facts.json");
  });

  it("offers entities, facts, relations and messages", () => {
    expect(EXPORT_KINDS.map((k) => k.heading)).toEqual(["Entities", "Facts", "Relations", "Messages"]);
  });
});
