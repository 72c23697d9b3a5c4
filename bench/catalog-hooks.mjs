// Module hooks for bench/catalog.ts: lets the real /catalog and /lineage page modules load
// outside Next. CSS imports become empty modules; the request-bound server modules
// (session -> principal, the process-wide store) are replaced by stubs that read the
// bench's store from globalThis.__assetbookBench. Everything else is the real code.
const STUBS = {
  "/app/_lib/server-context.ts": `
    const bench = () => globalThis.__assetbookBench;
    export async function appContext() { const b = bench(); return { db: b.db, workspaceId: b.workspaceId }; }
    export async function syncNotebooks() { return { problems: [] }; }
    export function appWorkers() { return Promise.resolve(null); }
    export function startAppWorkers() { return Promise.resolve(null); }
    export const notebooksDir = () => "";
  `,
  "/app/_lib/page-session.ts": `
    export async function requireMember() { return { principal: globalThis.__assetbookBench.principal, allowed: true }; }
  `,
};

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const url = resolved.url.split("?")[0];
  if (url.endsWith(".css")) return { url: "bench-stub:css", shortCircuit: true };
  for (const suffix of Object.keys(STUBS)) if (url.endsWith(suffix)) return { url: `bench-stub:${suffix}`, shortCircuit: true };
  return resolved;
}

export async function load(url, context, nextLoad) {
  if (url === "bench-stub:css") return { format: "module", source: "export default new Proxy({}, { get: (_, k) => String(k) });", shortCircuit: true };
  if (url.startsWith("bench-stub:")) return { format: "module", source: STUBS[url.slice("bench-stub:".length)], shortCircuit: true };
  return nextLoad(url, context);
}
