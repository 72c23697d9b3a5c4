"use client";
// Concurrency limits of production runs: the workspace's and each tag's, with how many runs
// hold them now. Owners add, change and remove them; other members see them.
import "@/app/_lib/zod-jitless";
import { useEffect, useState, type FormEvent } from "react";
import { z } from "zod";

const limitSchema = z.object({ scope: z.enum(["workspace", "tag"]), name: z.string(), pool: z.string(), limit: z.number(), inUse: z.number() });
type LimitRow = z.infer<typeof limitSchema>;
const listAnswer = z.object({ limits: z.array(limitSchema) });
const errorAnswer = z.object({ error: z.string() });

type Target = { scope: "workspace" } | { scope: "tag"; tag: string };
const targetOf = (row: LimitRow): Target => (row.scope === "tag" ? { scope: "tag", tag: row.name } : { scope: "workspace" });

async function errorOf(response: Response, fallback: string): Promise<string> {
  const parsed = errorAnswer.safeParse(await response.json().catch(() => null));
  return parsed.success ? parsed.data.error : fallback;
}

async function send(method: "PUT" | "DELETE", body: Target & { limit?: number }): Promise<string | null> {
  const response = await fetch("/api/concurrency-limits", { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return response.ok ? null : errorOf(response, method === "PUT" ? "could not save the limit" : "could not remove the limit");
}

export function ConcurrencyLimits({ owner = false }: { owner?: boolean }) {
  const [limits, setLimits] = useState<LimitRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [scope, setScope] = useState<"workspace" | "tag">("tag");
  // Bumped after a change: the list is fetched again.
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);

  useEffect(() => {
    let stopped = false;
    void fetch("/api/concurrency-limits", { cache: "no-store" })
      .then(async (response) => listAnswer.safeParse(response.ok ? await response.json() : null))
      .catch(() => null)
      .then((parsed) => {
        if (stopped) return;
        if (!parsed?.success) return setError("could not load the limits");
        setLimits(parsed.data.limits);
      });
    return () => {
      stopped = true;
    };
  }, [version]);

  async function change(method: "PUT" | "DELETE", body: Target & { limit?: number }) {
    setError(null);
    const failed = await send(method, body);
    if (failed !== null) setError(failed);
    reload();
  }

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const limit = Number(form.get("limit"));
    const target: Target = scope === "tag" ? { scope: "tag", tag: String(form.get("tag") ?? "").trim() } : { scope: "workspace" };
    void change("PUT", { ...target, limit }).then(() => formElement.reset());
  }

  return (
    <section className="card" data-testid="concurrency-limits">
      <h2>Concurrency limits</h2>
      <p className="muted">
        How many production runs may run at once: in the whole workspace, and per tag (a notebook&apos;s <code>tags:</code> hold the tag for the whole
        run, an asset&apos;s for its materialization). A run over a limit waits, queued, for a slot. Notebooks and assets set their own with{" "}
        <code>concurrency:</code>.
      </p>
      {owner ? (
        <form className="form-row" onSubmit={add}>
          <label className="form">
            Limit on
            <select value={scope} onChange={(e) => setScope(e.target.value === "workspace" ? "workspace" : "tag")} aria-label="limit scope">
              <option value="tag">a tag</option>
              <option value="workspace">the workspace</option>
            </select>
          </label>
          {scope === "tag" ? (
            <label className="form">
              Tag
              <input name="tag" required pattern="[A-Za-z0-9_.:\-]+" placeholder="heavy" aria-label="tag" />
            </label>
          ) : null}
          <label className="form">
            Runs at once
            <input name="limit" type="number" required min={1} step={1} defaultValue={1} aria-label="limit" />
          </label>
          <button className="btn btn--primary" type="submit" data-testid="set-limit">
            Set limit
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {limits === null ? null : limits.length === 0 ? (
        <p className="empty">No limits: runs start as soon as a worker is free.</p>
      ) : (
        <table className="table" data-testid="limit-list">
          <thead>
            <tr>
              <th>Pool</th>
              <th>In use</th>
              {owner ? <th>Limit</th> : null}
              {owner ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {limits.map((row) => (
              <tr key={row.pool} data-pool={row.pool}>
                <td>{row.scope === "workspace" ? "the workspace" : <code>{row.name}</code>}</td>
                <td>
                  {row.inUse} of {row.limit} running
                </td>
                {owner ? (
                  <td>
                    <input
                      key={`${row.limit}:${version}`}
                      type="number"
                      min={1}
                      step={1}
                      defaultValue={row.limit}
                      aria-label={`limit of ${row.pool}`}
                      onBlur={(e) => {
                        const limit = Number(e.target.value);
                        if (limit !== row.limit) void change("PUT", { ...targetOf(row), limit });
                      }}
                    />
                  </td>
                ) : null}
                {owner ? (
                  <td>
                    <button type="button" className="btn btn--danger" onClick={() => void change("DELETE", targetOf(row))} data-testid="remove-limit">
                      Remove
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
