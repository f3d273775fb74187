import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { request } from "../api/client";
import { requireFound } from "../api/errors";
import { ConversationQuery } from "../api/operations";
import { ErrorState } from "../components/ErrorState";
import { formatDate } from "../components/format";
import { Skeleton } from "../components/Skeleton";
import { statusText } from "../core/jobs";

const PAGE_SIZE = 100;

export function ConversationView() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const target = params.get("message");
  const highlighted = useRef<HTMLLIElement>(null);

  const query = useInfiniteQuery({
    queryKey: ["conversation", id],
    queryFn: async ({ pageParam }) => {
      const data = await request(ConversationQuery, { id, first: PAGE_SIZE, after: pageParam });
      return requireFound(data.conversation, "conversation", id);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.messages.pageInfo.hasNextPage ? last.messages.pageInfo.endCursor : null),
  });

  const messages = query.data?.pages.flatMap((page) => page.messages.edges.map((e) => e.node)) ?? [];
  const found = target !== null && messages.some((m) => m.id === target);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  // A linked message may be on a later page: keep loading until it is there.
  useEffect(() => {
    if (target && !found && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [target, found, hasNextPage, isFetchingNextPage, fetchNextPage]);

  useEffect(() => {
    if (found) highlighted.current?.scrollIntoView?.({ block: "center" });
  }, [found, target]);

  if (query.isPending)
    return (
      <>
        <h1>Conversation</h1>
        <Skeleton lines={10} height="3rem" />
      </>
    );
  if (query.isError)
    return (
      <>
        <h1>Conversation</h1>
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </>
    );

  const conversation = query.data.pages[0];
  if (!conversation) return null;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/conversations">← Conversations</Link>
      </p>
      <h1>{conversation.title}</h1>
      <p className="muted">
        {conversation.messageCount} messages · {conversation.origin} · {formatDate(conversation.createdAt)}
        {conversation.status && <> · latest job {statusText(conversation.status)}</>}
      </p>
      {messages.length === 0 ? (
        <p className="empty">No messages yet: they appear once the job's store stage has run. Check the job on the Conversations page.</p>
      ) : (
        <ol className="messages">
          {messages.map((message) => {
            const current = message.id === target;
            return (
              <li
                key={message.id}
                id={`message-${message.id}`}
                ref={current ? highlighted : undefined}
                aria-current={current ? "true" : undefined}
                className={current ? "message highlighted" : "message"}
              >
                <div className="message-meta">
                  <strong>{message.speaker}</strong>
                  {message.timestamp && <time dateTime={message.timestamp}>{formatDate(message.timestamp)}</time>}
                </div>
                <p>{message.text}</p>
              </li>
            );
          })}
        </ol>
      )}
      {query.hasNextPage && (
        <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
          Load more messages
        </button>
      )}
    </>
  );
}
