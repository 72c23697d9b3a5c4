// Who may open a path of the app without signing in: the one list proxy.ts enforces.
// Everything else needs a member; API routes decide for themselves (app/_lib/route.ts
// answers a JSON 401, never a redirect).

/** `public`: sign-in, setup, invites, share links and static files; `api`: left to the route; `member`: sign in first. */
export type PathAccess = "public" | "api" | "member";

/** Files served at the root (app/icon.svg and the names browsers ask for unprompted). */
const PUBLIC_FILES = new Set(["/icon.svg", "/favicon.ico", "/robots.txt"]);
const PUBLIC_PAGES = new Set(["/login", "/setup", "/invite"]);
/** A share link: /share/<token>, one segment, nothing below it. */
const SHARE_PAGE = /^\/share\/[^/]+$/;

export function pageAccess(pathname: string): PathAccess {
  if (pathname === "/api" || pathname.startsWith("/api/")) return "api";
  // Next's own build output (scripts, styles, fonts, DuckDB's WebAssembly): the same for everyone.
  if (pathname.startsWith("/_next/static/")) return "public";
  if (PUBLIC_PAGES.has(pathname) || PUBLIC_FILES.has(pathname) || SHARE_PAGE.test(pathname)) return "public";
  return "member";
}

/** Where to send a visitor without a session: the sign-in page, then back to `pathAndSearch`. */
export function signInPath(pathAndSearch: string): string {
  return `/login?next=${encodeURIComponent(pathAndSearch)}`;
}
