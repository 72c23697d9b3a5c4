import { utcTime } from "@/app/_lib/when";
import { listSecrets } from "@/lib/catalog";
import { requireMember } from "@/app/_lib/page-session";
import { appContext } from "@/app/_lib/server-context";
import { Forbidden, SettingsNav } from "@/app/catalog/_components/Nav";
import { SecretForm, SecretHostsForm } from "./SecretForm";
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
        <SettingsNav principal={access.principal} current="secrets" />
      </div>
      <section className="card">
        <p className="muted">
          Extract cells read these as <code>secret:NAME</code> on the server. Values are encrypted at rest and can never be read back: set a
          name again to replace its value.
        </p>
        <p className="muted">
          Allowed hosts (<code>api.example.com</code>, <code>127.0.0.1:4010</code>, <code>*.example.com</code>; no port means the default one) are
          the only hosts a secret is sent to: a cell that names another host fails before any request. A secret without them goes to any host an
          editor writes in a cell.
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
                <th>Allowed hosts</th>
                <th>Last updated</th>
              </tr>
            </thead>
            <tbody>
              {secrets.map((s) => (
                <tr key={s.name}>
                  <td>
                    <code>{s.name}</code>
                  </td>
                  <td data-testid={`secret-hosts-${s.name}`}>
                    {s.allowedHosts.length === 0 ? (
                      <span className="pill error" title="an editor can send this secret to a server of their own: set its allowed hosts">
                        ⚠ any host
                      </span>
                    ) : (
                      s.allowedHosts.map((host) => (
                        <span className="tag" key={host}>
                          {host}
                        </span>
                      ))
                    )}
                    <SecretHostsForm name={s.name} allowedHosts={s.allowedHosts} />
                  </td>
                  <td>{utcTime(s.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
