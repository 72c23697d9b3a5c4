// The settings pages' own links, by role (the app shell links the sections).
import Link from "next/link";
import { roleAtLeast, type Principal } from "@/lib/auth";

export function SettingsNav({ principal, current }: { principal: Principal; current: "general" | "members" | "share-links" | "secrets" | "alerts" }) {
  const link = (key: typeof current, href: string, label: string) => (
    <Link href={href} aria-current={current === key ? "page" : undefined}>
      {label}
    </Link>
  );
  return (
    <nav className="subnav" aria-label="Settings">
      {link("general", "/settings", "General")}
      {roleAtLeast(principal.role, "owner") ? link("members", "/settings/members", "Members") : null}
      {roleAtLeast(principal.role, "editor") ? link("share-links", "/settings/share-links", "Share links") : null}
      {roleAtLeast(principal.role, "owner") ? link("secrets", "/settings/secrets", "Secrets") : null}
      {roleAtLeast(principal.role, "owner") ? link("alerts", "/settings/alerts", "Alerts") : null}
    </nav>
  );
}

export function Forbidden({ need }: { need: string }) {
  return (
    <section className="card" style={{ marginTop: "2rem" }}>
      <h2>Not allowed</h2>
      <p className="empty">This page needs the {need} role.</p>
    </section>
  );
}
