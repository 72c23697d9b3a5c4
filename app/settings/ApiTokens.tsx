"use client";
// API tokens for scripts and `assetbook trigger`: create one (shown once, with a copy
// button), list them with when they were last used, revoke. Owners may list and revoke
// every member's tokens.
import "@/app/_lib/zod-jitless";
import { useEffect, useState, type FormEvent } from "react";
import { z } from "zod";
import { CopyButton } from "@/app/components/CopyButton";

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  user: z.object({ email: z.string(), name: z.string() }),
  mine: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
type TokenRow = z.infer<typeof tokenSchema>;
const listAnswer = z.object({ tokens: z.array(tokenSchema) });
const createdAnswer = z.object({ token: z.string() });
const errorAnswer = z.object({ error: z.string() });

const EXPIRY_DAYS = [
  { label: "never", days: null },
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
] as const;

const when = (iso: string | null, otherwise: string) => (iso === null ? otherwise : `${iso.slice(0, 16).replace("T", " ")} UTC`);

function stateOf(token: TokenRow, now: number): "revoked" | "expired" | "active" {
  if (token.revokedAt !== null) return "revoked";
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) return "expired";
  return "active";
}

async function errorOf(response: Response, fallback: string): Promise<string> {
  const parsed = errorAnswer.safeParse(await response.json().catch(() => null));
  return parsed.success ? parsed.data.error : fallback;
}

async function fetchTokens(everyone: boolean): Promise<TokenRow[] | null> {
  const response = await fetch(`/api/tokens${everyone ? "?scope=workspace" : ""}`, { cache: "no-store" }).catch(() => null);
  if (response === null || !response.ok) return null;
  const parsed = listAnswer.safeParse(await response.json().catch(() => null));
  return parsed.success ? parsed.data.tokens : null;
}

export function ApiTokens({ owner = false }: { owner?: boolean }) {
  const [tokens, setTokens] = useState<TokenRow[] | null>(null);
  const [everyone, setEveryone] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(0);

  // Bumped after a create or revoke: the list is fetched again.
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);

  useEffect(() => {
    let stopped = false;
    void fetchTokens(everyone).then((rows) => {
      if (stopped) return;
      if (rows === null) return setError("could not load the tokens");
      setTokens(rows);
      setNow(Date.now());
    });
    return () => {
      stopped = true;
    };
  }, [everyone, version]);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const days = Number(form.get("expires"));
    setError(null);
    const response = await fetch("/api/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: String(form.get("name") ?? ""), ...(days > 0 ? { expiresInDays: days } : {}) }),
    });
    if (!response.ok) return setError(await errorOf(response, "could not create the token"));
    const parsed = createdAnswer.safeParse(await response.json().catch(() => null));
    if (!parsed.success) return setError("could not create the token");
    formElement.reset();
    setCreated(parsed.data.token);
    reload();
  }

  async function revoke(id: string) {
    setError(null);
    const response = await fetch(`/api/tokens/${id}`, { method: "DELETE" });
    if (!response.ok) setError(await errorOf(response, "could not revoke the token"));
    reload();
  }

  return (
    <section className="card" data-testid="api-tokens">
      <h2>API tokens</h2>
      <p className="muted">
        For scripts and <code>assetbook trigger</code> (<code>export ASSETBOOK_TOKEN=…</code>). A token acts as you, with the role you hold when it is
        used. It is shown once.
      </p>
      <form className="form-row" onSubmit={create}>
        <label className="form">
          Name
          <input name="name" required maxLength={100} placeholder="ci deploy" aria-label="token name" />
        </label>
        <label className="form">
          Expires after
          <select name="expires" defaultValue="" aria-label="token expiry">
            {EXPIRY_DAYS.map((e) => (
              <option key={e.label} value={e.days ?? ""}>
                {e.label}
              </option>
            ))}
          </select>
        </label>
        <button className="btn btn--primary" type="submit" data-testid="create-token">
          Create token
        </button>
      </form>
      {created ? (
        <p className="notice" data-testid="new-token-notice">
          Copy it now, it will not be shown again: <code data-testid="new-token">{created}</code>{" "}
          <CopyButton text={created} testId="copy-token" />
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {owner ? (
        <label>
          <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} data-testid="tokens-everyone" /> every member&apos;s tokens
        </label>
      ) : null}
      {tokens === null ? null : tokens.length === 0 ? (
        <p className="empty">No API tokens.</p>
      ) : (
        <table className="table" data-testid="token-list">
          <thead>
            <tr>
              <th>Name</th>
              {everyone ? <th>Member</th> : null}
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => {
              const state = stateOf(token, now);
              return (
                <tr key={token.id} data-token={token.name}>
                  <td>{token.name}</td>
                  {everyone ? <td>{token.user.email}</td> : null}
                  <td>{when(token.createdAt, "")}</td>
                  <td>{when(token.lastUsedAt, "never")}</td>
                  <td>{when(token.expiresAt, "never")}</td>
                  <td>{state}</td>
                  <td>
                    {state === "active" ? (
                      <button type="button" className="btn btn--danger" onClick={() => void revoke(token.id)} data-testid="revoke-token">
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
