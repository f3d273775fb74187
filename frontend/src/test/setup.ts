import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { resetSubscriptions } from "../api/ws";

afterEach(() => {
  cleanup();
  resetSubscriptions();
  localStorage.clear();
});
