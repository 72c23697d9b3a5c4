// Every route handler under app/api, found on disk at test time (nothing to keep in step).
import { readdir } from "node:fs/promises";
import path from "node:path";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ApiHandler {
  file: string;
  /** URL path with dynamic segments filled with `value` placeholders. */
  url: string;
  params: Record<string, string>;
  method: HttpMethod;
  handler: (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

async function routeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : Promise.resolve(/^route\.(ts|tsx|js|mjs)$/.test(e.name) ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat();
}

function isHandler(value: unknown): value is ApiHandler["handler"] {
  return typeof value === "function";
}

export async function apiHandlers(): Promise<ApiHandler[]> {
  const files = (await routeFiles(path.join(ROOT, "app", "api"))).sort();
  const out: ApiHandler[] = [];
  for (const file of files) {
    const relative = path.relative(ROOT, file);
    const segments = path.dirname(path.relative(path.join(ROOT, "app"), file)).split(path.sep);
    const params: Record<string, string> = {};
    const urlPath = segments
      .map((s) => {
        const m = /^\[(?:\.\.\.)?([^\]]+)\]$/.exec(s);
        if (!m?.[1]) return s;
        params[m[1]] = "00000000-0000-4000-8000-000000000000";
        return params[m[1]];
      })
      .join("/");
    const mod: Record<string, unknown> = await import(/* @vite-ignore */ file);
    for (const method of HTTP_METHODS) {
      const handler = mod[method];
      if (isHandler(handler)) out.push({ file: relative, url: `http://app.test/${urlPath}`, params, method, handler });
    }
  }
  return out;
}

/** Routes that must work without a session: signing in and first-run setup. */
export const PUBLIC_ROUTES = new Set(["POST app/api/session/route.ts", "POST app/api/setup/route.ts", "POST app/api/invites/route.ts", "POST app/api/git/webhook/route.ts", "POST app/api/sensors/[slug]/route.ts"]);

export const key = (h: ApiHandler) => `${h.method} ${h.file}`;
