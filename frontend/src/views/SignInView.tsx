import { useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useToken } from "../api/auth";
import { request } from "../api/client";
import { toApiError, type ApiError } from "../api/errors";
import { HealthCheckQuery } from "../api/operations";
import { setToken } from "../api/token";
import { InlineError } from "../components/ErrorState";

export function SignInView() {
  const stored = useToken();
  const navigate = useNavigate();
  const location = useLocation();
  const [token, setValue] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;
  const next = from && from !== "/signin" ? from : "/conversations";

  if (stored && !checking) return <Navigate to={next} replace />;

  async function signIn(event: FormEvent) {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) return;
    setChecking(true);
    setError(null);
    try {
      await request(HealthCheckQuery, {}, { token: candidate });
      setToken(candidate);
      void navigate(next, { replace: true });
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setChecking(false);
    }
  }

  return (
    <main className="signin">
      <h1>Sign in to Librarian</h1>
      <form onSubmit={(e) => void signIn(e)} className="card">
        <label>
          API token
          <input
            type="password"
            value={token}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <button type="submit" disabled={checking}>
          {checking ? "Signing in…" : "Sign in"}
        </button>
        <InlineError error={error} />
      </form>
      <p className="hint">
        <code>make run</code> writes the admin token to <code>var/admin.token</code>. Other tokens come from{" "}
        <code>librarian token create</code>.
      </p>
    </main>
  );
}
