import { vi } from "vitest";

/** A JSON body and status the fake API answers with. */
export interface FakeResponse {
  status?: number;
  body: unknown;
}

export type OperationHandler = (variables: Record<string, unknown>) => FakeResponse | Promise<FakeResponse>;

export interface FetchCall {
  url: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  headers: Headers;
}

export function data(value: unknown): FakeResponse {
  return { body: { data: value } };
}

export function graphqlError(code: string, message: string, status = 200): FakeResponse {
  return { status, body: { data: null, errors: [{ message, extensions: { code } }] } };
}

/**
 * Replace fetch with a fake GraphQL endpoint that answers each operation by name; every call is
 * recorded so tests can check what the UI sent.
 */
export function fakeGraphQL(handlers: Record<string, OperationHandler>) {
  const calls: FetchCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { operationName?: string; variables?: Record<string, unknown> }) : {};
    const call: FetchCall = {
      url,
      operationName: body.operationName,
      variables: body.variables ?? {},
      headers: new Headers(init?.headers),
    };
    calls.push(call);
    const handler = call.operationName ? handlers[call.operationName] : handlers[url];
    if (!handler) return new Response(JSON.stringify({ errors: [{ message: `no fake for ${call.operationName ?? url}` }] }), { status: 500 });
    const response = await handler(call.variables);
    return new Response(JSON.stringify(response.body), {
      status: response.status ?? 200,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}
