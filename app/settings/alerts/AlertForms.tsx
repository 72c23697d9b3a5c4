"use client";
// Alert rules: the form that creates one (or replaces the one of that name), a rule's "Send
// test" and Delete, and the webhook signing secret (shown on demand, rotatable).
import "@/app/_lib/zod-jitless";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { ALERT_EVENTS } from "@/lib/alerts/events";
import { SCOPE_KINDS } from "@/lib/alerts/rules";

const errorAnswer = z.object({ error: z.string(), fields: z.record(z.string(), z.array(z.string())).optional() });

async function errorOf(response: Response): Promise<string> {
  const parsed = errorAnswer.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return `failed (${response.status})`;
  const fields = Object.entries(parsed.data.fields ?? {}).map(([field, messages]) => `${field.replace(/^body\./, "")}: ${messages.join(", ")}`);
  return fields.length > 0 ? fields.join("; ") : parsed.data.error;
}

const EVENT_LABELS: Record<(typeof ALERT_EVENTS)[number], string> = {
  run_failed: "Run failed",
  asset_failed: "Asset failed after its retries",
  check_failed: "Check failed (error or warn)",
  freshness_overdue: "Freshness overdue",
  run_too_long: "Run longer than…",
  schema_changed: "Schema changed",
  review_waiting: "Review waiting for approval",
  branch_sync_failed: "Branch commit not promoted",
};

function destinationOf(form: FormData): Record<string, unknown> {
  const type = String(form.get("destination") ?? "webhook");
  if (type === "webhook") return { type, url: String(form.get("url") ?? ""), format: String(form.get("format") ?? "json") };
  if (type === "email") return { type, to: String(form.get("to") ?? "").split(/[\s,]+/).filter((a) => a !== ""), owners: form.get("owners") === "on" };
  return { type };
}

export function AlertRuleForm() {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [destination, setDestination] = useState("webhook");
  const [scope, setScope] = useState("workspace");
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const longRun = Number(form.get("longRunMinutes") ?? "");
    const body = {
      name: String(form.get("name") ?? ""),
      scope: scope === "workspace" ? { kind: "workspace" } : { kind: scope, value: String(form.get("scopeValue") ?? "") },
      events: form.getAll("events").map(String),
      destination: destinationOf(form),
      rateLimitPerHour: Number(form.get("rateLimitPerHour") ?? 20),
      allowSamples: form.get("allowSamples") === "on",
      ...(Number.isFinite(longRun) && longRun > 0 ? { longRunSeconds: Math.round(longRun * 60) } : {}),
    };
    const response = await fetch("/api/alerts/rules", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (response.ok) {
      element.reset();
      setMessage("Saved.");
      router.refresh();
    } else setMessage(await errorOf(response));
  }
  return (
    <form className="alert-form" onSubmit={submit} data-testid="alert-rule-form">
      <label className="form">
        Name
        <input name="name" required maxLength={100} placeholder="finance on call" />
      </label>
      <fieldset className="alert-form__row">
        <legend>Scope</legend>
        <select name="scope" value={scope} onChange={(e) => setScope(e.target.value)} aria-label="Scope">
          {SCOPE_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
        {scope === "workspace" ? null : <input name="scopeValue" required aria-label={`The ${scope}`} placeholder={scope === "owner" ? "ana@example.com" : scope} />}
      </fieldset>
      <fieldset className="alert-form__events">
        <legend>Events</legend>
        {ALERT_EVENTS.map((name) => (
          <label key={name}>
            <input type="checkbox" name="events" value={name} /> {EVENT_LABELS[name]}
          </label>
        ))}
        <label>
          Longer than <input name="longRunMinutes" type="number" min={1} style={{ width: "5rem" }} aria-label="Minutes" /> minutes
        </label>
      </fieldset>
      <fieldset className="alert-form__row">
        <legend>Destination</legend>
        <select name="destination" value={destination} onChange={(e) => setDestination(e.target.value)} aria-label="Destination">
          <option value="webhook">Webhook</option>
          <option value="email">E-mail</option>
          <option value="inbox">In-app inbox</option>
        </select>
        {destination === "webhook" ? (
          <>
            <input name="url" type="url" required placeholder="https://hooks.example.com/assetbook" aria-label="Webhook URL" style={{ minWidth: "22rem" }} />
            <select name="format" aria-label="Format">
              <option value="json">JSON (signed)</option>
              <option value="slack">Slack</option>
            </select>
          </>
        ) : null}
        {destination === "email" ? (
          <>
            <input name="to" placeholder="oncall@example.com, ana@example.com" aria-label="Addresses" style={{ minWidth: "18rem" }} />
            <label>
              <input type="checkbox" name="owners" /> and the owners
            </label>
          </>
        ) : null}
      </fieldset>
      <div className="alert-form__row">
        <label className="form">
          At most per hour
          <input name="rateLimitPerHour" type="number" min={1} max={1000} defaultValue={20} style={{ width: "6rem" }} />
        </label>
        <label>
          <input type="checkbox" name="allowSamples" /> Payloads may carry sample rows
        </label>
        <button className="btn btn--primary" type="submit">
          Save rule
        </button>
        {message ? (
          <span className="muted" role="status">
            {message}
          </span>
        ) : null}
      </div>
    </form>
  );
}

export function RuleActions({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  async function sendTest() {
    const response = await fetch(`/api/alerts/rules/${encodeURIComponent(id)}/test`, { method: "POST" });
    setMessage(response.ok ? "Test queued: see the history below." : await errorOf(response));
    router.refresh();
  }
  async function remove() {
    if (!window.confirm(`Delete the rule "${name}" and its history?`)) return;
    const response = await fetch("/api/alerts/rules", { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ id }) });
    if (response.ok) router.refresh();
    else setMessage(await errorOf(response));
  }
  return (
    <span className="alert-actions">
      <button className="btn" type="button" onClick={sendTest} data-testid="send-test">
        Send test
      </button>
      <button className="btn" type="button" onClick={remove}>
        Delete
      </button>
      {message ? <span className="muted">{message}</span> : null}
    </span>
  );
}

export function SigningSecret() {
  const [secret, setSecret] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  async function load(method: "GET" | "POST") {
    if (method === "POST" && !window.confirm("Rotate the signing secret? Receivers must switch to the new one.")) return;
    const response = await fetch("/api/alerts/signing-secret", { method });
    const parsed = z.object({ secret: z.string() }).safeParse(await response.json().catch(() => null));
    if (parsed.success) setSecret(parsed.data.secret);
    else setMessage(await errorOf(response));
  }
  return (
    <div className="form-row">
      {secret === null ? (
        <button className="btn" type="button" onClick={() => load("GET")}>
          Show signing secret
        </button>
      ) : (
        <code data-testid="signing-secret">{secret}</code>
      )}
      <button className="btn" type="button" onClick={() => load("POST")}>
        Rotate
      </button>
      {message ? <span className="muted">{message}</span> : null}
    </div>
  );
}

/** One notebook's webhook sensor: its URL and secret shown on demand, and Rotate. */
export function SensorRow({ slug }: { slug: string }) {
  const [shown, setShown] = useState<{ url: string; secret: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  async function load(method: "GET" | "POST") {
    if (method === "POST" && !window.confirm(`Rotate the sensor secret of ${slug}? Requests signed with the old one are refused.`)) return;
    const response = await fetch(`/api/notebooks/${encodeURIComponent(slug)}/sensor`, { method });
    const parsed = z.object({ url: z.string(), secret: z.string() }).safeParse(await response.json().catch(() => null));
    if (parsed.success) setShown(parsed.data);
    else setMessage(await errorOf(response));
  }
  return (
    <tr data-testid={`sensor-${slug}`}>
      <td>
        <code>{slug}</code>
      </td>
      <td>
        {shown === null ? (
          <button className="btn" type="button" onClick={() => load("GET")}>
            Show URL and secret
          </button>
        ) : (
          <span className="sensor-shown">
            <code data-testid="sensor-url">{shown.url}</code>
            <code data-testid="sensor-secret">{shown.secret}</code>
          </span>
        )}
        {message ? <span className="muted"> {message}</span> : null}
      </td>
      <td>
        <button className="btn" type="button" onClick={() => load("POST")}>
          Rotate
        </button>
      </td>
    </tr>
  );
}
