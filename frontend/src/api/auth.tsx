import { useSyncExternalStore } from "react";
import { getToken, subscribeToken } from "./token";

/** The stored token; re-renders on sign-in, sign-out and a rejected token. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribeToken, getToken, () => null);
}
