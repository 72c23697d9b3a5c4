"use client";
// The shell's links, the current section marked (aria-current) from the path.
import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/", label: "Notebooks", match: (p: string) => p === "/" || p.startsWith("/notebooks") },
  { href: "/catalog", label: "Catalog", match: (p: string) => p.startsWith("/catalog") },
  { href: "/lineage", label: "Lineage", match: (p: string) => p.startsWith("/lineage") },
  { href: "/runs", label: "Runs", match: (p: string) => p.startsWith("/runs") },
  { href: "/reviews", label: "Reviews", match: (p: string) => p.startsWith("/reviews") },
  { href: "/settings", label: "Settings", match: (p: string) => p.startsWith("/settings") },
] as const;

export function ShellLinks({ waiting }: { waiting: number }) {
  const pathname = usePathname();
  return (
    <nav className="shell-nav" aria-label="App">
      {SECTIONS.map((section) => {
        const reviews = section.href === "/reviews";
        const href = reviews && waiting > 0 ? "/reviews?filter=waiting" : section.href;
        // Not prefetched: every page is rendered per request, and six prefetches on each page
        // load competed with the page's own scripts for the server and the network.
        return (
          <Link key={section.href} href={href} prefetch={false} aria-current={section.match(pathname) ? "page" : undefined} data-testid={reviews ? "shell-reviews" : undefined}>
            {section.label}
            {reviews && waiting > 0 ? (
              <span className="shell-badge" data-testid="reviews-waiting" title={`${waiting} review${waiting === 1 ? "" : "s"} waiting for you`}>
                {waiting}
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
