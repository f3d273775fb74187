/** Error codes the API puts in `extensions.code`, plus the client's own. */
export type ErrorCode =
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "INTERNAL"
  | "NETWORK"
  | (string & {});

/** The one error type the UI shows: a stable code and a human message. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(code: ErrorCode, message: string, options: { status?: number; requestId?: string } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}

interface GraphQLErrorShape {
  message?: unknown;
  extensions?: { code?: unknown; requestId?: unknown } | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The first error of a GraphQL `errors` array as an ApiError, or null when there is none. */
export function fromGraphQLErrors(errors: unknown, status?: number): ApiError | null {
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const first: unknown = errors[0];
  const shape: GraphQLErrorShape = isRecord(first) ? (first as GraphQLErrorShape) : {};
  const code = typeof shape.extensions?.code === "string" ? shape.extensions.code : codeForStatus(status);
  const message = typeof shape.message === "string" ? shape.message : "Unknown error";
  const requestId = typeof shape.extensions?.requestId === "string" ? shape.extensions.requestId : undefined;
  return new ApiError(code, message, { ...(status !== undefined && { status }), ...(requestId && { requestId }) });
}

/** A code for an HTTP status whose body said nothing usable. */
export function codeForStatus(status: number | undefined): ErrorCode {
  switch (status) {
    case 400:
      return "BAD_INPUT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "CONFLICT";
    case 429:
      return "RATE_LIMITED";
    case 502:
    case 503:
    case 504:
      return "UNAVAILABLE";
    default:
      return "INTERNAL";
  }
}

/**
 * Any thrown value as an ApiError, so views show one shape. fetch rejects with a TypeError when
 * the API cannot be reached: that is NETWORK. Anything else (a bug in the UI, say) is INTERNAL,
 * which a retry does not fix.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof TypeError && /fetch|network|load failed/i.test(error.message)) return new ApiError("NETWORK", error.message);
  if (error instanceof Error) return new ApiError("INTERNAL", error.message);
  return new ApiError("INTERNAL", String(error));
}

/** A query's value, or a NOT_FOUND ApiError when the API answered null for it. */
export function requireFound<T>(value: T | null | undefined, what: string, id: string): T {
  if (value === null || value === undefined) throw new ApiError("NOT_FOUND", `No ${what} ${id}`);
  return value;
}

/** Errors that a retry cannot fix. */
export function isPermanent(error: unknown): boolean {
  const code = toApiError(error).code;
  return (
    code === "BAD_INPUT" ||
    code === "NOT_FOUND" ||
    code === "UNAUTHENTICATED" ||
    code === "FORBIDDEN" ||
    code === "CONFLICT" ||
    code === "INTERNAL"
  );
}
