/** A fixed-size placeholder so the page does not shift when data arrives. */
export function Skeleton({ lines = 4, height = "1.25rem" }: { lines?: number; height?: string }) {
  return (
    <div role="status" aria-label="Loading" className="skeleton" aria-busy="true">
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" style={{ height }} />
      ))}
    </div>
  );
}
