import { useEffect, useRef, type RefObject } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
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

const APP_NAME = "Librarian";

/**
 * Keeps document.title on the page's h1 ("Search · Librarian"), and on a route change moves focus
 * to that h1 so screen readers announce the new page (unless the page focused a control itself).
 */
function usePageTitleAndFocus(main: RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);

  useEffect(() => {
    const element = main.current;
    if (!element) return;
    const update = () => {
      const heading = element.querySelector("h1")?.textContent?.trim();
      const title = heading ? `${heading} · ${APP_NAME}` : APP_NAME;
      if (document.title !== title) document.title = title;
    };
    update();
    const observer = new MutationObserver(update);
    observer.observe(element, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [main]);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const element = main.current;
    if (!element) return;
    const focused = document.activeElement;
    if (focused && focused !== document.body && element.contains(focused)) return;
    const heading = element.querySelector<HTMLElement>("h1");
    const target = heading ?? element;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  }, [pathname, main]);
}

export function Layout() {
  const main = useRef<HTMLElement>(null);
  usePageTitleAndFocus(main);
  return (
    <>
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
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
      <main className="app-main" id="main-content" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </>
  );
}
