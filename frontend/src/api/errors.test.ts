import { describe, expect, it } from "vitest";
import { createQueryClient } from "./queryClient";
import { ApiError, isPermanent, requireFound, toApiError } from "./errors";

describe("toApiError", () => {
  it("reads fetch's TypeError as NETWORK and any other thrown error (a bug) as INTERNAL", () => {
    expect(toApiError(new TypeError("Failed to fetch")).code).toBe("NETWORK");
    expect(toApiError(new TypeError("NetworkError when attempting to fetch resource.")).code).toBe("NETWORK");
    expect(toApiError(new TypeError("Cannot read properties of undefined (reading 'edges')")).code).toBe("INTERNAL");
    expect(toApiError(new RangeError("Invalid time value")).code).toBe("INTERNAL");
    expect(toApiError("odd").code).toBe("INTERNAL");
  });

  it("does not retry INTERNAL, and retries NETWORK", () => {
    const retry = createQueryClient().getDefaultOptions().queries?.retry;
    if (typeof retry !== "function") throw new Error("expected a retry function");
    expect(isPermanent(new ApiError("INTERNAL", "bug"))).toBe(true);
    expect(retry(0, new ApiError("INTERNAL", "bug"))).toBe(false);
    expect(retry(0, new TypeError("x is not a function"))).toBe(false);
    expect(retry(0, new ApiError("NETWORK", "Failed to fetch"))).toBe(true);
  });
});

describe("requireFound", () => {
  it("passes a value through and turns null into NOT_FOUND", () => {
    expect(requireFound({ id: "e1" }, "entity", "e1")).toEqual({ id: "e1" });
    expect(() => requireFound(null, "entity", "e9")).toThrow(expect.objectContaining({ code: "NOT_FOUND", message: "No entity e9" }) as Error);
  });
});
