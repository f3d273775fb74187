export const EXPORT_KINDS = [
  { kind: "entities", heading: "Entities" },
  { kind: "facts", heading: "Facts" },
  { kind: "relations", heading: "Relations" },
  { kind: "messages", heading: "Messages" },
] as const;

export type ExportKind = (typeof EXPORT_KINDS)[number]["kind"];
export type ExportFormat = "csv" | "json";

export function exportUrl(kind: ExportKind, format: ExportFormat): string {
  return `/export/${kind}?format=${format}`;
}

export function exportFileName(kind: ExportKind, format: ExportFormat): string {
  return `librarian-${kind}.${format}`;
}
