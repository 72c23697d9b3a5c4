// Alert rules (owners): each rule's scope, events and destination, its Send test, and its
// delivery history (sent, retrying and when, failed and why, rate limited).
import { utcTime } from "@/app/_lib/when";
import { requireMember } from "@/app/_lib/page-session";
import { appContext } from "@/app/_lib/server-context";
import { Forbidden, SettingsNav } from "@/app/catalog/_components/Nav";
import { deliveryHistory, listRules } from "@/lib/alerts/store";
import type { AlertDestination, AlertScope } from "@/lib/alerts/rules";
import { AlertRuleForm, RuleActions, SensorRow, SigningSecret } from "./AlertForms";
import { productionTexts } from "@/lib/catalog/production";
import "@/app/catalog/catalog.css";
import "./alerts.css";

export const metadata = { title: "Alerts · Assetbook" };


function scopeText(scope: AlertScope): string {
  return scope.kind === "workspace" ? "the whole workspace" : `${scope.kind} ${scope.value}`;
}

function destinationText(destination: AlertDestination): string {
  switch (destination.type) {
    case "webhook":
      return `${destination.format === "slack" ? "Slack webhook" : "webhook"} ${destination.url}`;
    case "email":
      return `e-mail ${[...destination.to, ...(destination.owners ? ["the owners"] : [])].join(", ")}`;
    case "inbox":
      return "the in-app inbox";
    default: {
      const unreachable: never = destination;
      throw new Error(`unknown destination ${JSON.stringify(unreachable)}`);
    }
  }
}

export default async function AlertsPage() {
  const access = await requireMember("owner", "/settings/alerts");
  if (!access.allowed) return <Forbidden need="owner" />;
  const { db, workspaceId } = await appContext();
  const inProduction = Object.keys((await productionTexts(db, workspaceId)) ?? {}).sort();
  const rules = await Promise.all((await listRules(db, workspaceId)).map(async (rule) => ({ rule, deliveries: await deliveryHistory(db, rule.id, 10) })));
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Alerts</h1>
        <SettingsNav principal={access.principal} current="alerts" />
      </div>
      <section className="card">
        <h2>New rule</h2>
        <p className="muted">
          A rule sends the events it names, in its scope, to one destination: one message when a condition begins and one when it clears, at most so
          many an hour. Payloads never carry secret values, nor sample rows unless the rule allows them. See docs/alerts.md.
        </p>
        <AlertRuleForm />
      </section>
      <section className="card">
        <h2>Webhook signature</h2>
        <p className="muted">
          Webhooks carry <code>X-Assetbook-Signature: v1=&lt;hex&gt;</code>, HMAC-SHA256 of <code>&lt;X-Assetbook-Timestamp&gt;.&lt;body&gt;</code> under
          this secret. Refuse a timestamp more than 5 minutes off.
        </p>
        <SigningSecret />
      </section>
      <section className="card">
        <h2>Webhook sensors</h2>
        <p className="muted">
          A signed <code>POST</code> to a notebook&apos;s sensor URL starts a production run: JSON <code>{"{"}&quot;idempotency_key&quot;: …, &quot;partition&quot;: …, &quot;params&quot;: {"{…}"}{"}"}</code>, signed like alert
          webhooks under the notebook&apos;s own secret. The same key starts one run however often it is sent.
        </p>
        {inProduction.length === 0 ? (
          <p className="empty">No notebook is in production yet.</p>
        ) : (
          <table className="table" data-testid="sensors">
            <tbody>
              {inProduction.map((slug) => (
                <SensorRow key={slug} slug={slug} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      {rules.length === 0 ? (
        <section className="card">
          <p className="empty">No rules yet: nobody hears of a failure.</p>
        </section>
      ) : (
        rules.map(({ rule, deliveries }) => (
          <section className="card" key={rule.id} data-testid={`alert-rule-${rule.name}`}>
            <div className="alert-rule__head">
              <h2>{rule.name}</h2>
              <RuleActions id={rule.id} name={rule.name} />
            </div>
            <p className="muted">
              {rule.events.join(", ")} in {scopeText(rule.scope)} → {destinationText(rule.destination)} · at most {rule.rateLimitPerHour} an hour
              {rule.allowSamples ? " · with sample rows" : ""}
              {rule.enabled ? "" : " · disabled"}
            </p>
            {deliveries.length === 0 ? (
              <p className="empty">Nothing sent yet.</p>
            ) : (
              <table className="table" data-testid="delivery-history">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Message</th>
                    <th>Kind</th>
                    <th>Status</th>
                    <th className="num">Attempts</th>
                    <th>Why, or next try</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>{utcTime(d.createdAt)}</td>
                      <td>{d.title}</td>
                      <td>{d.kind}</td>
                      <td>
                        <span className="pill" data-delivery-status={d.status}>
                          {d.status}
                        </span>
                      </td>
                      <td className="num">{d.attempts}</td>
                      <td className="muted">{d.status === "retrying" && d.nextAttemptAt ? `${d.lastError ?? ""} · next at ${utcTime(d.nextAttemptAt)}` : (d.lastError ?? "")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        ))
      )}
    </div>
  );
}
