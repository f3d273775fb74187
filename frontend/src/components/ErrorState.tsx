import { toApiError } from "../api/errors";

/** An error with its code and message, and a way to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const apiError = toApiError(error);
  return (
    <div role="alert" className="error-state">
      <p>
        <strong className="error-code">{apiError.code}</strong> {apiError.message}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** A mutation's error, without a retry (the user resubmits). */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = toApiError(error);
  return (
    <p role="alert" className="error-inline">
      <strong className="error-code">{apiError.code}</strong> {apiError.message}
    </p>
  );
}
