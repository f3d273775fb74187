import type { TypedDocumentString } from "../gql/graphql";
import { ApiError, codeForStatus, fromGraphQLErrors } from "./errors";
import { getToken, rejectToken } from "./token";

export const GRAPHQL_PATH = "/graphql";

export interface RequestOptions {
  /** Use this token instead of the stored one (sign-in checks a token before keeping it). */
  token?: string;
  signal?: AbortSignal;
}

export function operationName(query: string): string | undefined {
  return /\b(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1];
}

/** Fetch with the bearer token; a 401 for the stored token signs out. */
export async function authorizedFetch(url: string, init: RequestInit = {}, token?: string): Promise<Response> {
  const used = token ?? getToken();
  const headers = new Headers(init.headers);
  if (used) headers.set("Authorization", `Bearer ${used}`);
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch (error) {
    throw new ApiError("NETWORK", error instanceof Error ? error.message : "The API cannot be reached");
  }
  if (response.status === 401 && used && token === undefined) rejectToken(used);
  return response;
}

/** An error from a non-OK response whose body may be a GraphQL error document. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy page, an empty body): the status says enough.
  }
  const errors = typeof body === "object" && body !== null ? (body as { errors?: unknown }).errors : undefined;
  return (
    fromGraphQLErrors(errors, response.status) ??
    new ApiError(codeForStatus(response.status), `HTTP ${response.status} ${response.statusText}`.trim(), {
      status: response.status,
    })
  );
}

/** Run one typed GraphQL operation; throws ApiError with the server's code and message. */
export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables, options]: TVariables extends Record<string, never>
    ? [variables?: TVariables, options?: RequestOptions]
    : [variables: TVariables, options?: RequestOptions]
): Promise<TResult> {
  const query = document.toString();
  // The stored token this request sends (read before fetch, as authorizedFetch reads it): a
  // rejection signs out this token only, never one signed in while the request was in flight.
  const sent = options?.token === undefined ? getToken() : null;
  const response = await authorizedFetch(
    GRAPHQL_PATH,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables: variables ?? {}, operationName: operationName(query) }),
      ...(options?.signal && { signal: options.signal }),
    },
    options?.token,
  );
  if (!response.ok) throw await errorFromResponse(response);
  let body: { data?: TResult | null; errors?: unknown };
  try {
    body = (await response.json()) as { data?: TResult | null; errors?: unknown };
  } catch {
    throw new ApiError("INTERNAL", "The API answered with something that is not JSON", { status: response.status });
  }
  const error = fromGraphQLErrors(body.errors, response.status);
  if (error) {
    if (error.code === "UNAUTHENTICATED" && sent) rejectToken(sent);
    throw error;
  }
  if (body.data === undefined || body.data === null) throw new ApiError("INTERNAL", "The API answered without data");
  return body.data;
}
