// Links between the signed-in catalog pages, by role.
import Link from "next/link";
import { roleAtLeast, type Principal } from "@/lib/auth";
import { SignOutButton } from "@/app/_auth/SignOutButton";

export function CatalogNav({ principal }: { principal: Principal }) {
  return (
    <nav className="subnav" aria-label="Workspace">
      <Link href="/catalog">Catalog</Link>
      <Link href="/lineage">Lineage</Link>
      <Link href="/runs">Runs</Link>
      {roleAtLeast(principal.role, "editor") ? <Link href="/settings/share-links">Share links</Link> : null}
      {roleAtLeast(principal.role, "owner") ? <Link href="/settings/secrets">Secrets</Link> : null}
      <Link href="/settings">Settings</Link>
      <span className="muted">
        {principal.email} ({principal.role})
      </span>
      <SignOutButton />
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
