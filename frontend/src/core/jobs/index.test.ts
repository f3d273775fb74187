import { describe, expect, it } from "vitest";
import { isFinished, percent, statusText } from ".";

describe("jobs", () => {
  it("reads statuses in lower case", () => {
    expect(statusText("COMPLETE")).toBe("complete");
    expect(statusText("PENDING")).toBe("pending");
  });

  it("is finished only when complete or failed", () => {
    expect(isFinished("FAILED")).toBe(true);
    expect(isFinished("RUNNING")).toBe(false);
  });

  it("shows progress as a clamped whole percentage", () => {
    expect(percent(0.456)).toBe(46);
    expect(percent(1.5)).toBe(100);
    expect(percent(-1)).toBe(0);
    expect(percent(Number.NaN)).toBe(0);
  });
});
