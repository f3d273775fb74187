import { countOf } from "./format";

test("counts read as English", () => {
  expect(countOf(0, "node")).toBe("0 nodes");
  expect(countOf(1, "conversation")).toBe("1 conversation");
  expect(countOf(1204, "conversation")).toBe("1,204 conversations");
});
