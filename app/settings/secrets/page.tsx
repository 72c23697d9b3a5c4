import { listSecrets } from "@/lib/catalog";
import { requireMember } from "@/app/_lib/page-session";
import { appContext } from "@/app/_lib/server-context";
import { CatalogNav, Forbidden } from "@/app/catalog/_components/Nav";
import { SecretForm } from "./SecretForm";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Secrets · Assetbook" };

export default async function SecretsPage() {
  const access = await requireMember("owner", "/settings/secrets");
  if (!access.allowed) return <Forbidden need="owner" />;
  const { db, workspaceId } = await appContext();
  const secrets = await listSecrets(db, workspaceId);
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Secrets</h1>
        <CatalogNav principal={access.principal} />
      </div>
      <section className="card">
        <p className="muted">
          Extract cells read these as <code>secret:NAME</code> on the server. Values are encrypted at rest and can never be read back: set a
          name again to replace its value.
        </p>
        <SecretForm />
      </section>
      <section className="card">
        {secrets.length === 0 ? (
          <p className="empty">No secrets yet.</p>
        ) : (
          <table className="table" data-testid="secrets">
            <thead>
              <tr>
                <th>Name</th>
                <th>Last updated</th>
              </tr>
            </thead>
            <tbody>
              {secrets.map((s) => (
                <tr key={s.name}>
                  <td>
                    <code>{s.name}</code>
                  </td>
                  <td>{s.updatedAt.toISOString().replace("T", " ").slice(0, 19)} UTC</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
