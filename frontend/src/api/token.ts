/** The API token, kept in localStorage; listeners hear every change (sign in, sign out, a 401). */
export const TOKEN_KEY = "librarian.token";

type Listener = () => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token === null) localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
  for (const listener of listeners) listener();
}

export function subscribeToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called when the server rejects the stored token: signing out is the only way forward. */
export function rejectToken(token: string): void {
  if (getToken() === token) setToken(null);
}
