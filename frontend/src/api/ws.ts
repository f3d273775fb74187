import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "../gql/graphql";
import { ApiError, fromGraphQLErrors, toApiError } from "./errors";
import { GRAPHQL_PATH } from "./client";
import { getToken, rejectToken, subscribeToken } from "./token";

/**
 * Close codes that another attempt cannot fix (graphql-ws documents them as fatal, and the
 * server closes with 4403 when it rejects `connection_init`'s token).
 */
const FATAL_CLOSE_CODES = new Set([4004, 4005, 4400, 4401, 4403, 4406, 4409, 4429, 4500]);

interface CloseLike {
  code: number;
  reason: string;
}

function isCloseLike(value: unknown): value is CloseLike {
  return typeof value === "object" && value !== null && "code" in value && typeof value.code === "number";
}

export function shouldRetry(errorOrClose: unknown): boolean {
  return isCloseLike(errorOrClose) && !FATAL_CLOSE_CODES.has(errorOrClose.code);
}

/** A graphql-ws client that remembers whether its latest socket closed before the server acknowledged it. */
interface TrackedClient {
  client: Client;
  token: string | null;
  /** Whether the last close happened before `connection_ack` (so the server refused the connection). */
  closedBeforeAck: boolean;
}

function createTrackedClient(token: string | null, retryAttempts: number, onClosed?: (event: unknown) => void): TrackedClient {
  let acknowledged = false;
  const tracked: TrackedClient = { client: null as unknown as Client, token, closedBeforeAck: false };
  tracked.client = createClient({
    url: websocketUrl(window.location),
    lazy: true,
    retryAttempts,
    shouldRetry,
    connectionParams: () => (token ? { Authorization: `Bearer ${token}` } : {}),
    on: {
      connecting: () => {
        acknowledged = false;
      },
      connected: () => {
        acknowledged = true;
      },
      closed: (event) => {
        tracked.closedBeforeAck = !acknowledged;
        onClosed?.(event);
      },
    },
  });
  return tracked;
}

/** Dispose a client; one whose connection was refused rejects here, which is already reported. */
function dispose(client: Client): void {
  Promise.resolve(client.dispose()).catch(() => undefined);
}

let shared: TrackedClient | null = null;

subscribeToken(() => {
  if (shared && getToken() !== shared.token) {
    dispose(shared.client);
    shared = null;
  }
});

export function websocketUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${GRAPHQL_PATH}`;
}

function getShared(): TrackedClient {
  const token = getToken();
  if (shared && shared.token === token) return shared;
  if (shared) dispose(shared.client);
  shared = createTrackedClient(token, 3);
  return shared;
}

export interface SubscriptionSink<TResult> {
  next: (data: TResult) => void;
  error: (error: ApiError) => void;
  complete: () => void;
}

export interface SubscribeOptions {
  /**
   * Run the operation at most once: no reconnect and no re-subscribe when the socket drops (a
   * dropped `ask` would otherwise run again on the server and stream its text twice). A drop
   * ends the subscription with a NETWORK error.
   */
  once?: boolean;
}

/** Subscribe to a typed GraphQL subscription; returns a function that stops it. */
export function subscribe<TResult, TVariables extends Record<string, unknown>>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  sink: SubscriptionSink<TResult>,
  options: SubscribeOptions = {},
): () => void {
  let closed = false;
  const token = getToken();
  let own: TrackedClient | null = null;
  const finish = () => {
    closed = true;
    if (own) dispose(own.client);
  };
  const fail = (error: ApiError) => {
    if (closed) return;
    finish();
    // A rejected token signs out here as it does for HTTP requests.
    if (error.code === "UNAUTHENTICATED" && token) rejectToken(token);
    sink.error(error);
  };
  let tracked: TrackedClient;
  if (options.once) {
    // Its own client, so a drop fails this subscription alone, whatever the close code.
    own = createTrackedClient(token, 0, (event) => fail(socketError(event, own?.closedBeforeAck ?? false)));
    tracked = own;
  } else {
    tracked = getShared();
  }
  const stop = tracked.client.subscribe<TResult>(
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
      error: (error: unknown) => fail(socketError(error, tracked.closedBeforeAck)),
      complete: () => {
        if (closed) return;
        finish();
        sink.complete();
      },
    },
  );
  return () => {
    closed = true;
    stop();
    if (own) dispose(own.client);
  };
}

function socketError(error: unknown, beforeAck: boolean): ApiError {
  const fromList = fromGraphQLErrors(error);
  if (fromList) return fromList;
  if (isCloseLike(error)) {
    const reason = typeof error.reason === "string" ? error.reason : "";
    // 4401, or 4403 before `connection_ack`: the server refused the token in `connection_init`.
    if (error.code === 4401 || (error.code === 4403 && beforeAck)) {
      return new ApiError("UNAUTHENTICATED", reason && reason !== "Forbidden" ? reason : "The API token was not accepted");
    }
    if (error.code === 4403) return new ApiError("FORBIDDEN", reason || "Not allowed");
    return new ApiError("NETWORK", reason ? `The connection closed: ${reason} (${error.code})` : `The connection closed (${error.code})`);
  }
  return toApiError(error);
}

/** Drop the shared client (tests, sign-out). */
export function resetSubscriptions(): void {
  if (shared) dispose(shared.client);
  shared = null;
}
