import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "../gql/graphql";
import { ApiError, fromGraphQLErrors, toApiError } from "./errors";
import { GRAPHQL_PATH } from "./client";
import { getToken, rejectToken, subscribeToken } from "./token";

let client: Client | null = null;
let clientToken: string | null = null;

subscribeToken(() => {
  if (client && getToken() !== clientToken) {
    void client.dispose();
    client = null;
  }
});

export function websocketUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${GRAPHQL_PATH}`;
}

function getClient(): Client {
  const token = getToken();
  if (client && clientToken === token) return client;
  if (client) void client.dispose();
  clientToken = token;
  client = createClient({
    url: websocketUrl(window.location),
    lazy: true,
    retryAttempts: 3,
    connectionParams: () => (token ? { Authorization: `Bearer ${token}` } : {}),
  });
  return client;
}

export interface SubscriptionSink<TResult> {
  next: (data: TResult) => void;
  error: (error: ApiError) => void;
  complete: () => void;
}

/** Subscribe to a typed GraphQL subscription; returns a function that stops it. */
export function subscribe<TResult, TVariables extends Record<string, unknown>>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  sink: SubscriptionSink<TResult>,
): () => void {
  let closed = false;
  const token = getToken();
  const fail = (error: ApiError) => {
    closed = true;
    // A rejected token signs out here as it does for HTTP requests.
    if (error.code === "UNAUTHENTICATED" && token) rejectToken(token);
    sink.error(error);
  };
  const stop = getClient().subscribe<TResult>(
    { query: document.toString(), variables },
    {
      next: (message) => {
        if (closed) return;
        const error = fromGraphQLErrors(message.errors);
        if (error) {
          fail(error);
          return;
        }
        if (message.data) sink.next(message.data as TResult);
      },
      error: (error: unknown) => {
        if (closed) return;
        fail(socketError(error));
      },
      complete: () => {
        if (closed) return;
        closed = true;
        sink.complete();
      },
    },
  );
  return () => {
    closed = true;
    stop();
  };
}

function socketError(error: unknown): ApiError {
  const fromList = fromGraphQLErrors(error);
  if (fromList) return fromList;
  // A CloseEvent: 4401/4403 are the protocol's "unauthorized"/"forbidden".
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "number") {
    const reason = "reason" in error && typeof error.reason === "string" ? error.reason : "";
    if (error.code === 4401 || error.code === 4403) {
      return new ApiError(error.code === 4401 ? "UNAUTHENTICATED" : "FORBIDDEN", reason || "Not allowed");
    }
    return new ApiError("NETWORK", reason || `The connection closed (${error.code})`);
  }
  return toApiError(error);
}

/** Drop the shared client (tests, sign-out). */
export function resetSubscriptions(): void {
  if (client) void client.dispose();
  client = null;
  clientToken = null;
}
