// The app shell's navigation, on every page but a read-only link: the workspace's pages
// (with the number of reviews waiting for the member's verdict), the signed-in member and
// Sign out; a visitor gets a Sign in link instead.
import Link from "next/link";
import { headers } from "next/headers";
import { waitingCount } from "@/lib/reviews/store";
import { unreadCount } from "@/lib/alerts/store";
import { SignOutButton } from "@/app/_auth/SignOutButton";
import { appContext } from "@/app/_lib/server-context";
import { principalOf } from "@/app/_lib/session";
import { SHELL_PATH_HEADER } from "@/app/_lib/shell-path";
import { ShellLinks } from "./ShellLinks";

/** Pages that stand alone: a share link shows nothing of the workspace; sign-in pages are the way in. */
const STANDALONE = [/^\/share\//, /^\/login$/, /^\/setup$/, /^\/invite$/];

export async function ShellNav() {
  const requestHeaders = await headers();
  const path = requestHeaders.get(SHELL_PATH_HEADER) ?? "";
  if (STANDALONE.some((pattern) => pattern.test(path))) return null;
  const principal = await principalOf(requestHeaders).catch(() => null);
  if (principal === null) {
    return (
      <nav className="shell-nav" aria-label="App">
        <Link className="shell-member" href="/login">
          Sign in
        </Link>
      </nav>
    );
  }
  const { db, workspaceId } = await appContext();
  // The shell never fails a page: without the count, the link stays.
  const [waiting, unread] = await Promise.all([waitingCount(db, workspaceId, principal.userId).catch(() => 0), unreadCount(db, workspaceId).catch(() => 0)]);
  return (
    <>
      <ShellLinks waiting={waiting} />
      <div className="shell-member" data-testid="shell-member">
        <Link href="/inbox" className="shell-inbox" data-testid="shell-inbox" title={unread === 0 ? "Inbox: nothing new" : `Inbox: ${unread} unread alert${unread === 1 ? "" : "s"}`}>
          Inbox
          {unread > 0 ? (
            <span className="shell-badge" data-testid="inbox-unread">
              {unread}
            </span>
          ) : null}
        </Link>
        <span className="shell-member__who" title={`${principal.email} (${principal.role})`}>
          {principal.name || principal.email}
          <span className="muted"> · {principal.role}</span>
        </span>
        <SignOutButton />
      </div>
    </>
  );
}
