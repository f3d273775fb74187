import { describe, expect, it, vi } from "vitest";
import { data, fakeGraphQL, graphqlError, type FakeResponse } from "../test/fakeServer";
import { request } from "./client";
import { ApiError } from "./errors";
import { HealthCheckQuery, RetryJobMutation } from "./operations";
import { getToken, setToken } from "./token";

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("request", () => {
  it("sends the operation with the stored bearer token and returns its data", async () => {
    setToken("secret-1");
    const { calls } = fakeGraphQL({ RetryJob: () => data({ retryJob: { id: "job_1", status: "PENDING", stage: "queued", progress: 0, errorMessage: null } }) });
    const result = await request(RetryJobMutation, { id: "job_1" });
    expect(result.retryJob.status).toBe("PENDING");
    expect(calls[0]?.url).toBe("/graphql");
    expect(calls[0]?.headers.get("Authorization")).toBe("Bearer secret-1");
    expect(calls[0]?.variables).toEqual({ id: "job_1" });
  });

  it("turns a GraphQL error into its code and message", async () => {
    setToken("secret-1");
    fakeGraphQL({ RetryJob: () => graphqlError("CONFLICT", "Only a FAILED job can be retried") });
    const error = await caught(request(RetryJobMutation, { id: "job_1" }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("Only a FAILED job can be retried");
  });

  it("reads the code from an HTTP 503 error body", async () => {
    setToken("secret-1");
    fakeGraphQL({ HealthCheck: () => graphqlError("UNAVAILABLE", "Neo4j is not reachable", 503) });
    const error = await caught(request(HealthCheckQuery));
    expect(error).toMatchObject({ code: "UNAVAILABLE", message: "Neo4j is not reachable", status: 503 });
  });

  it("gives a code from the status when the body is not JSON (a proxy with the API down)", async () => {
    setToken("secret-1");
    const { fetchMock } = fakeGraphQL({});
    fetchMock.mockResolvedValueOnce(new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const error = await caught(request(HealthCheckQuery));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).toBe("HTTP 502 Bad Gateway");
  });

  it("signs out when the stored token is rejected with 401", async () => {
    setToken("revoked");
    fakeGraphQL({ HealthCheck: () => graphqlError("UNAUTHENTICATED", "Invalid token", 401) });
    const error = await caught(request(HealthCheckQuery));
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(getToken()).toBeNull();
  });

  it("keeps the stored token when a token being checked is rejected", async () => {
    setToken("good");
    fakeGraphQL({ HealthCheck: () => graphqlError("UNAUTHENTICATED", "Invalid token", 401) });
    await caught(request(HealthCheckQuery, {}, { token: "typo" }));
    expect(getToken()).toBe("good");
  });

  it("reports an unreachable API as NETWORK", async () => {
    const { fetchMock } = fakeGraphQL({});
    fetchMock.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    const error = await caught(request(HealthCheckQuery));
    expect(error).toMatchObject({ code: "NETWORK", message: "Failed to fetch" });
  });

  it("signs out only the token a rejected request used, not one signed in meanwhile", async () => {
    setToken("token-a");
    let answer: (response: FakeResponse) => void = () => undefined;
    const { calls } = fakeGraphQL({ HealthCheck: () => new Promise<FakeResponse>((resolve) => (answer = resolve)) });
    const pending = caught(request(HealthCheckQuery));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.headers.get("Authorization")).toBe("Bearer token-a");
    setToken("token-b");
    answer(graphqlError("UNAUTHENTICATED", "Invalid token"));
    expect((await pending).code).toBe("UNAUTHENTICATED");
    expect(getToken()).toBe("token-b");
  });
});
