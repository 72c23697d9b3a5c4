"use client";
// Setting a secret (value and allowed hosts) and changing only its allowed hosts.
import "@/app/_lib/zod-jitless";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { z } from "zod";

const errorAnswer = z.object({ error: z.string(), fields: z.record(z.string(), z.array(z.string())).optional() });

/** `a.example.com, 127.0.0.1:4010` (commas or spaces) as a list; the server checks each one. */
function hostsFrom(text: string): string[] {
  return text.split(/[\s,]+/).filter((host) => host !== "");
}

/** The error to show: the field messages of a 400 (`"x" is not a host`), else the error. */
async function errorOf(response: Response): Promise<string> {
  const parsed = errorAnswer.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return "could not save";
  const fields = Object.entries(parsed.data.fields ?? {}).map(([field, messages]) => `${field.replace(/^body\./, "")}: ${messages.join(", ")}`);
  return fields.length > 0 ? fields.join("; ") : parsed.data.error;
}

async function putSecret(body: { name: string; value?: string; allowedHosts?: string[] }): Promise<string | null> {
  const response = await fetch("/api/secrets", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return response.ok ? null : errorOf(response);
}

export function SecretForm() {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const hosts = hostsFrom(String(form.get("allowedHosts") ?? ""));
    // Left empty, a new value keeps the secret's hosts: rotating a value must not widen where it may go.
    const failed = await putSecret({
      name: String(form.get("name") ?? ""),
      value: String(form.get("value") ?? ""),
      ...(hosts.length > 0 ? { allowedHosts: hosts } : {}),
    });
    if (failed === null) {
      formElement.reset();
      setMessage("Saved.");
      router.refresh();
    } else setMessage(failed);
  }
  return (
    <form className="form-row" onSubmit={submit}>
      <label className="form">
        Name
        <input name="name" required pattern="[A-Za-z_][A-Za-z0-9_]*" placeholder="FITNESS_TOKEN" />
      </label>
      <label className="form">
        Value
        <input name="value" type="password" required autoComplete="off" />
      </label>
      <label className="form">
        Allowed hosts
        <input name="allowedHosts" placeholder="api.example.com, 127.0.0.1:4010" autoComplete="off" title="empty: a new secret may go to any host; an existing one keeps its hosts" />
      </label>
      <button className="btn btn--primary" type="submit">
        Set secret
      </button>
      {message ? <span className="muted">{message}</span> : null}
    </form>
  );
}

/** One secret's allowed hosts, editable in its row of the list (the value stays as it is). */
export function SecretHostsForm({ name, allowedHosts }: { name: string; allowedHosts: string[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const failed = await putSecret({ name, allowedHosts: hostsFrom(String(form.get("allowedHosts") ?? "")) });
    setMessage(failed ?? "Saved.");
    if (failed === null) router.refresh();
  }
  return (
    <form className="form-row" onSubmit={submit}>
      <label className="form">
        <input name="allowedHosts" defaultValue={allowedHosts.join(", ")} placeholder="any host" aria-label={`allowed hosts of ${name}`} autoComplete="off" />
      </label>
      <button className="btn" type="submit">
        Save hosts
      </button>
      {message ? <span className="muted">{message}</span> : null}
    </form>
  );
}
