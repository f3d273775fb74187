import type { SearchQuery } from "../../gql/graphql";

export type SearchHit = SearchQuery["search"]["edges"][number]["node"];
export type HitKind = SearchHit["kind"];

export interface HitGroup {
  kind: HitKind;
  heading: "Entities" | "Facts" | "Messages";
  hits: SearchHit[];
}

const GROUPS: ReadonlyArray<Pick<HitGroup, "kind" | "heading">> = [
  { kind: "ENTITY", heading: "Entities" },
  { kind: "FACT", heading: "Facts" },
  { kind: "MESSAGE", heading: "Messages" },
];

/** Hits grouped by kind in a fixed order (entities, facts, messages), each group by score; empty groups dropped. */
export function groupHits(hits: readonly SearchHit[]): HitGroup[] {
  return GROUPS.map(({ kind, heading }) => ({
    kind,
    heading,
    hits: hits.filter((hit) => hit.kind === kind).sort((a, b) => b.score - a.score),
  })).filter((group) => group.hits.length > 0);
}

/** The hits in the order they are shown, for keyboard navigation. */
export function flattenGroups(groups: readonly HitGroup[]): SearchHit[] {
  return groups.flatMap((group) => group.hits);
}

/** Where a hit opens: an entity (or a fact's entity) or the message in its conversation. */
export function hitHref(hit: SearchHit): string | null {
  if (hit.kind === "MESSAGE" && hit.message) return messageHref(hit.message.conversation.id, hit.message.id);
  if (hit.entity) return `/entities/${encodeURIComponent(hit.entity.id)}`;
  if (hit.message) return messageHref(hit.message.conversation.id, hit.message.id);
  return null;
}

export function messageHref(conversationId: string, messageId: string): string {
  return `/conversations/${encodeURIComponent(conversationId)}?message=${encodeURIComponent(messageId)}`;
}

/** The next active index for ArrowDown (+1) / ArrowUp (-1), wrapping at both ends; -1 when there is nothing. */
export function moveActive(current: number, delta: 1 | -1, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return delta === 1 ? 0 : count - 1;
  return (current + delta + count) % count;
}
