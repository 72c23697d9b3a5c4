// The run API as `assetbook trigger` and the run page use it, through the real route
// handlers: an API token, POST /api/runs, the events endpoint, cancel. Shared by the
// embedded and the team-mode tests (each needs its own process: the app context is global).
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { createApiToken } from "@/lib/auth";
import type { AppContext } from "@/app/_lib/server-context";

/** Two SQL assets, nothing outside DuckDB. */
export const TINY_NOTEBOOK = `---
title: Tiny
---

\`\`\`sql numbers
select 1 as id union all select 2 as id
\`\`\`

\`\`\`sql doubled
select id * 2 as v from numbers
\`\`\`
`;

export interface Sandbox {
  dir: string;
  notebooksDir: string;
  warehouse: string;
  remove(): Promise<void>;
}

/** A temporary data directory with notebooks/tiny.md and room for a DuckDB warehouse. */
export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-runs-port-"));
  const notebooksDir = path.join(dir, "notebooks");
  await mkdir(notebooksDir);
  await writeFile(path.join(notebooksDir, "tiny.md"), TINY_NOTEBOOK);
  return { dir, notebooksDir, warehouse: path.join(dir, "warehouse.duckdb"), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The env the app reads in these tests (set before server-context is first used). */
export function appEnv(box: Sandbox): Record<string, string> {
  return {
    ASSETBOOK_NOTEBOOKS_DIR: box.notebooksDir,
    ASSETBOOK_AUTH_SECRET: "runs-port-secret-".padEnd(48, "z"),
    ASSETBOOK_SECRET_KEY: "c".repeat(64),
  };
}

/** An editor of the app's workspace and a fresh API token of theirs. */
export async function editorToken(context: AppContext): Promise<string> {
  const user = await context.db.user.create({ data: { email: `editor-${crypto.randomUUID()}@example.com`, name: "Editor" } });
  await context.db.member.create({ data: { workspaceId: context.workspaceId, userId: user.id, role: "editor" } });
  return (await createApiToken(context.db, { workspaceId: context.workspaceId, userId: user.id, name: "runs-port" })).token;
}

const created = z.object({ id: z.uuid() });
const events = z.object({ status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]), events: z.array(z.object({ id: z.string(), message: z.string() })) });

const bearer = (token: string, method: string, url: string, body?: unknown) =>
  new Request(url, { method, headers: { host: "app.test", authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function answer(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${text}`);
  return JSON.parse(text);
}

/** POST /api/runs as the CLI does. */
export async function triggerRun(token: string, notebook: string): Promise<string> {
  const { POST } = await import("@/app/api/runs/route");
  const response = await POST(bearer(token, "POST", "http://app.test/api/runs", { notebook, trigger: "cli" }), { params: Promise.resolve({}) });
  return created.parse(await answer(response)).id;
}

/** POST /api/runs/:id/cancel, as the run page's Cancel button does. */
export async function cancelRun(token: string, id: string): Promise<number> {
  const { POST } = await import("@/app/api/runs/[id]/cancel/route");
  return (await POST(bearer(token, "POST", `http://app.test/api/runs/${id}/cancel`), { params: Promise.resolve({ id }) })).status;
}

/** Polls GET /api/runs/:id/events until the run finishes; its status and every log message. */
export async function watchRun(token: string, id: string, timeoutMs = 60_000): Promise<{ status: string; messages: string[] }> {
  const { GET } = await import("@/app/api/runs/[id]/events/route");
  const messages: string[] = [];
  let after: string | undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = `http://app.test/api/runs/${id}/events${after === undefined ? "" : `?after=${after}`}`;
    const page = events.parse(await answer(await GET(bearer(token, "GET", url), { params: Promise.resolve({ id }) })));
    messages.push(...page.events.map((e) => e.message));
    after = page.events.at(-1)?.id ?? after;
    if (page.status !== "queued" && page.status !== "running") return { status: page.status, messages };
    if (Date.now() > deadline) throw new Error(`run ${id} still ${page.status} after ${timeoutMs} ms: ${messages.join(" | ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
