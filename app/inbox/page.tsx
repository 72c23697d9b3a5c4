// The in-app inbox: alerts whose rule sends them here, newest first, the unread marked.
// Once shown, they are marked read (MarkRead), and the shell's badge follows.
import { utcTime } from "@/app/_lib/when";
import Link from "next/link";
import { requireMember } from "@/app/_lib/page-session";
import { appContext } from "@/app/_lib/server-context";
import { inbox } from "@/lib/alerts/store";
import { MarkRead } from "./MarkRead";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Inbox · Assetbook" };


export default async function InboxPage() {
  await requireMember("viewer", "/inbox");
  const { db, workspaceId } = await appContext();
  const { items, unread } = await inbox(db, workspaceId);
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Inbox</h1>
      </div>
      {unread > 0 ? <MarkRead /> : null}
      <section className="card">
        {items.length === 0 ? (
          <p className="empty">
            Nothing yet. Alerts arrive here when a rule sends them to the inbox: see <Link href="/settings/alerts">Settings · Alerts</Link>.
          </p>
        ) : (
          <ul className="inbox" data-testid="inbox">
            {items.map((item) => (
              <li key={item.id} data-unread={!item.read}>
                <div className="inbox__head">
                  <strong>{item.link ? <Link href={item.link}>{item.title}</Link> : item.title}</strong>
                  <span className="muted">{utcTime(item.createdAt)}</span>
                </div>
                <pre className="inbox__body">{item.body}</pre>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
