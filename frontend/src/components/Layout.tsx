import { NavLink, Outlet } from "react-router";
import { setToken } from "../api/token";

const LINKS = [
  ["/conversations", "Conversations"],
  ["/search", "Search"],
  ["/graph", "Graph"],
  ["/schema", "Schema"],
  ["/ask", "Ask"],
  ["/export", "Export"],
  ["/status", "Status"],
] as const;

export function Layout() {
  return (
    <>
      <header className="app-header">
        <span className="brand">Librarian</span>
        <nav aria-label="Main">
          {LINKS.map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
        </nav>
        <button type="button" className="secondary" onClick={() => setToken(null)}>
          Sign out
        </button>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </>
  );
}
