import { listShareLinks } from "@/lib/catalog";
import { requireMember } from "@/app/_lib/page-session";
import { appContext } from "@/app/_lib/server-context";
import { shareLinkJson } from "@/app/_lib/share-view";
import { Forbidden, SettingsNav } from "@/app/catalog/_components/Nav";
import { RevokeButton } from "./RevokeButton";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Share links · Assetbook" };

/** Not revoked and not expired, as of this request (a server page renders once). */
function isActive(link: { revokedAt: Date | null; expiresAt: Date | null }): boolean {
  return link.revokedAt === null && (link.expiresAt === null || link.expiresAt.getTime() > Date.now());
}

export default async function ShareLinksPage() {
  const access = await requireMember("editor", "/settings/share-links");
  if (!access.allowed) return <Forbidden need="editor" />;
  const { db, workspaceId } = await appContext();
  const links = await listShareLinks(db, workspaceId);
  const assets = await db.asset.findMany({ where: { workspaceId, shareLinks: { some: {} } }, select: { id: true, name: true } });
  const names = new Map(assets.map((a) => [a.id, a.name]));
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Share links</h1>
        <SettingsNav principal={access.principal} current="share-links" />
      </div>
      <section className="card">
        <p className="muted">Links are created from the catalog, asset and lineage pages. The link itself is shown only once.</p>
        {links.length === 0 ? (
          <p className="empty">No share links.</p>
        ) : (
          <table className="table" data-testid="share-links">
            <thead>
              <tr>
                <th>Target</th>
                <th>Samples</th>
                <th>Created</th>
                <th>Expires</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {links.map((link) => {
                const view = shareLinkJson(link, names);
                const active = isActive(link);
                return (
                  <tr key={link.id} data-link={link.id}>
                    <td>{view.target}</td>
                    <td>{view.allowSamples ? "allowed" : "no"}</td>
                    <td>{view.createdAt.slice(0, 16).replace("T", " ")}</td>
                    <td>{view.expiresAt ? view.expiresAt.slice(0, 16).replace("T", " ") : "never"}</td>
                    <td>{link.revokedAt ? "revoked" : active ? "active" : "expired"}</td>
                    <td>{active ? <RevokeButton id={link.id} /> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
