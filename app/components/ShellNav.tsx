// The app shell's links for a signed-in member, with the number of reviews waiting for
// their verdict. Nothing for a visitor (sign-in, setup, a read-only link).
import Link from "next/link";
import { headers } from "next/headers";
import { waitingCount } from "@/lib/reviews/store";
import { appContext } from "@/app/_lib/server-context";
import { principalOf } from "@/app/_lib/session";

export async function ShellNav() {
  const principal = await principalOf(await headers()).catch(() => null);
  if (principal === null) return null;
  const { db, workspaceId } = await appContext();
  // The shell never fails a page: without the count, the link stays.
  const waiting = await waitingCount(db, workspaceId, principal.userId).catch(() => 0);
  return (
    <nav className="shell-nav" aria-label="App">
      <Link href="/">Notebooks</Link>
      <Link href="/catalog">Catalog</Link>
      <Link href="/runs">Runs</Link>
      <Link href={waiting > 0 ? "/reviews?filter=waiting" : "/reviews"} data-testid="shell-reviews">
        Reviews
        {waiting > 0 ? (
          <span className="shell-badge" data-testid="reviews-waiting" title={`${waiting} review${waiting === 1 ? "" : "s"} waiting for you`}>
            {waiting}
          </span>
        ) : null}
      </Link>
    </nav>
  );
}
