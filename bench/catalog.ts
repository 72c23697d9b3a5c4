// Server-side cost of /catalog and /lineage on a large catalog, against one bare Prisma query
// for the same rows (assets with their last production materialization), measured in this run.
// The pages are the real app/ modules, rendered with react-dom/server outside Next: the async
// page component is awaited (its data functions run as in the app), then its element tree goes
// through renderToString. Stubbed (bench/catalog-hooks.mjs): the session (a fixed owner), the
// process-wide store (this bench's), the notebook-file sync, and CSS imports.
// Not included: Next's RSC/Flight serialization and HTML streaming.
// Usage: npx tsx bench/catalog.ts [assets=10000] [materializations=100000] [repeats=30]
// With TEST_DATABASE_URL set, runs again on PostgreSQL in a database of its own (created, then dropped).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { register } from "node:module";
import type { ReactElement, ReactNode } from "react";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { openCatalogStore, type CatalogDb } from "../lib/catalog";
import { parseConfig } from "../lib/config";
import { PrismaClient, type Prisma } from "../lib/catalog/generated/client";
import { catalogPage, workspaceLineage } from "../lib/catalog/views";
import { ensureWorkspace } from "../lib/catalog/workspaces";
import { seedCatalog } from "./seed-catalog";

register("./catalog-hooks.mjs", import.meta.url);
// React's production build, as `next start` uses (the development build renders several times slower).
(process.env as Record<string, string>).NODE_ENV = process.env.BENCH_NODE_ENV ?? "production";

const nAssets = Number(process.argv[2] ?? 10_000);
const nMats = Number(process.argv[3] ?? 100_000);
const repeats = Number(process.argv[4] ?? 30);
const GOAL_MS = 300;

// ---------- helpers ----------
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
}
const p50 = (xs: number[]) => quantile(xs, 0.5);
const p95 = (xs: number[]) => quantile(xs, 0.95);
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;

// ---------- the baseline: one bare query for the same rows ----------
function bareQuery(db: CatalogDb, workspaceId: string) {
  return db.$queryRaw`
    SELECT a.id, a.name, a.kind, a."group", a.owners, a.tags, a.description,
           m.status, m.rows, m.checks, m."createdAt"
    FROM assets a
    LEFT JOIN LATERAL (
      SELECT status, rows, checks, "createdAt" FROM materializations
      WHERE "assetId" = a.id AND environment = 'production'
      ORDER BY "createdAt" DESC LIMIT 1
    ) m ON true
    WHERE a."workspaceId" = ${workspaceId}
    ORDER BY a.name`;
}

// ---------- the pages ----------
type PageFn = (props: { searchParams: Promise<Record<string, string>> }) => Promise<ReactNode>;
async function loadPages() {
  const { createElement } = await import("react");
  const { renderToString } = await import("react-dom/server");
  const catalog = (await import("../app/catalog/page")).default as unknown as PageFn;
  const lineage = (await import("../app/lineage/page")).default as unknown as () => Promise<ReactNode>;
  // Client components call useRouter() (next/navigation); give them an app-router context.
  const { AppRouterContext } = (await import("next/dist/shared/lib/app-router-context.shared-runtime.js")) as unknown as {
    AppRouterContext: React.Context<unknown>;
  };
  const noop = () => {};
  const router = { back: noop, forward: noop, refresh: noop, push: noop, replace: noop, prefetch: noop, hmrRefresh: noop };
  const html = (node: ReactNode) => renderToString(createElement(AppRouterContext.Provider, { value: router }, node as ReactElement));
  return { catalog, lineage, html };
}

interface Sample {
  total: number;
  data: number;
  render: number;
  bytes: number;
}

async function timePage(fn: () => Promise<ReactNode>, html: (n: ReactNode) => string): Promise<Sample> {
  const t0 = performance.now();
  const tree = await fn();
  const t1 = performance.now();
  const out = html(tree);
  const t2 = performance.now();
  return { total: t2 - t0, data: t1 - t0, render: t2 - t1, bytes: out.length };
}

// ---------- diagnostics: the SQL one catalogPage() issues, and the plan of the slow one ----------
async function diagnose(db: PrismaClient, workspaceId: string, explain: (sql: string, params: unknown[]) => Promise<string[]>) {
  const queries: { sql: string; params: string; ms: number }[] = [];
  const logged = db as unknown as { $on(event: "query", cb: (e: Prisma.QueryEvent) => void): void };
  logged.$on("query", (e) => queries.push({ sql: e.query, params: e.params, ms: e.duration }));
  await catalogPage(db, workspaceId, {}, new Date());
  queries.length = 0;
  const t0 = performance.now();
  const page = await catalogPage(db, workspaceId, {}, new Date());
  const wall = performance.now() - t0;
  console.log(`  catalogPage(): ${queries.length} SQL statements, ${ms(wall)} wall, ${page.total} assets, ${page.rows.length} rows kept`);
  for (const q of queries) {
    const nParams = (q.params.match(/,/g)?.length ?? 0) + 1;
    console.log(`    ${ms(q.ms)}  ${q.sql.replace(/\s+/g, " ").replace(/\$\d+(,\$\d+)+/g, "$…").slice(0, 150)}  [${nParams} params]`);
  }
  const heavy = queries.find((q) => q.sql.includes("materializations"));
  if (heavy) {
    const params = JSON.parse(heavy.params) as unknown[];
    const plan = await explain(heavy.sql, params);
    console.log("    materializations query, EXPLAIN ANALYZE:");
    for (const line of plan.slice(0, 8)) console.log(`      ${line.replace(/'\{[^}]*\}'/g, "'{…}'").slice(0, 140)}`);
  }
}

// ---------- one store ----------
async function runOn(label: string, env: Record<string, string>, reopen: () => Promise<{ db: PrismaClient; explain: (sql: string, p: unknown[]) => Promise<string[]>; close(): Promise<void> }>) {
  const store = await openCatalogStore(parseConfig(env), { onWarning: () => {} });
  const db = store.db;
  const workspace = await ensureWorkspace(db);
  const t0 = performance.now();
  await seedCatalog(db, workspace.id, { assets: nAssets, materializations: nMats });
  const seedMs = performance.now() - t0;
  const g = globalThis as typeof globalThis & { __assetbookBench?: unknown };
  g.__assetbookBench = { db, workspaceId: workspace.id, principal: { userId: "u", email: "owner@example.com", name: "Owner", role: "owner", workspaceId: workspace.id } };
  const { catalog, lineage, html } = await loadPages();

  // BENCH_LINEAGE_RENDER=0: skip the lineage page render (dagre over 10,000 nodes runs for minutes).
  const renderLineage = process.env.BENCH_LINEAGE_RENDER !== "0";
  const lineageFirst = renderLineage ? await timePage(() => lineage(), html) : { total: Infinity, data: 0, render: 0, bytes: 0 };
  // dagre over the whole graph can be very slow: cap the lineage repeats to ~60 s.
  // (That first run is the lineage warm-up.)
  const lineageRepeats = !renderLineage ? 0 : lineageFirst.total > 20_000 ? 1 : Math.max(3, Math.min(repeats, Math.floor(60_000 / Math.max(1, lineageFirst.total))));
  const variants = {
    baseline: async (): Promise<Sample> => {
      const s = performance.now();
      const rows = (await bareQuery(db, workspace.id)) as unknown[];
      return { total: performance.now() - s, data: 0, render: 0, bytes: rows.length };
    },
    catalog: () => timePage(() => catalog({ searchParams: Promise.resolve({}) }), html),
    lineage: () => timePage(() => lineage(), html),
  };
  const times: Record<keyof typeof variants, Sample[]> = { baseline: [], catalog: [], lineage: [] };
  await variants.baseline(); // warm-up
  await variants.catalog();
  const entries = Object.entries(variants) as [keyof typeof variants, () => Promise<Sample>][];
  for (let i = 0; i < repeats; i++) {
    for (const [name, run] of [...entries.slice(i % entries.length), ...entries.slice(0, i % entries.length)]) {
      if (name === "lineage" && times.lineage.length >= lineageRepeats) continue;
      times[name].push(await run());
    }
  }
  const base = p50(times.baseline.map((s) => s.total));
  console.log(`\n[${label}] ${nAssets.toLocaleString("en")} assets, ${nMats.toLocaleString("en")} materializations (seeded in ${(seedMs / 1000).toFixed(1)} s)`);
  console.log(`  ${"".padEnd(34)}      p50        p95   ratio(p50)  data p50 / render p50`);
  const line = (name: string, xs: Sample[], note = "") => {
    const tot = xs.map((s) => s.total);
    const split = xs[0]?.render ? `${p50(xs.map((s) => s.data)).toFixed(0)} / ${p50(xs.map((s) => s.render)).toFixed(0)} ms` : "";
    console.log(`  ${name.padEnd(34)} ${ms(p50(tot))} ${ms(p95(tot))}   ${(p50(tot) / base).toFixed(1).padStart(7)}x   ${split}${note}`);
  };
  line("baseline: 1 query, LATERAL last", times.baseline, `  (${times.baseline[0]?.bytes} rows)`);
  line("/catalog (page fn + renderToString)", times.catalog, `  html ${(times.catalog[0]!.bytes / 1024).toFixed(0)} KiB`);
  if (times.lineage.length) line(`/lineage (n=${times.lineage.length})`, times.lineage, `  html ${(times.lineage[0]!.bytes / 1024).toFixed(0)} KiB`);
  else console.log("  /lineage page render skipped (BENCH_LINEAGE_RENDER=0)");
  const cat95 = p95(times.catalog.map((s) => s.total));
  console.log(`  goal /catalog p95 < ${GOAL_MS} ms: ${cat95 < GOAL_MS ? "MET" : "NOT MET"} (${cat95.toFixed(0)} ms)`);

  // Lineage split: workspaceLineage() alone vs. the render (dagre layout runs in the SSR of the client component).
  const wl: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await workspaceLineage(db, workspace.id, new Date());
    wl.push(performance.now() - s);
  }
  console.log(`  workspaceLineage() alone p50 ${ms(p50(wl))}`);
  await store.close();

  const raw = await reopen();
  try {
    await diagnose(raw.db, workspace.id, raw.explain);
  } finally {
    await raw.close();
  }
}

// ---------- main ----------
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-bench-catalog-"));
const logOpts: { log: Prisma.LogDefinition[] } = { log: [{ emit: "event", level: "query" }] };
try {
  await runOn("embedded PGlite", { ASSETBOOK_CATALOG_DIR: dir }, async () => {
    const pglite = await PGlite.create(dir);
    const db = new PrismaClient({ adapter: new PrismaPGlite(pglite), ...logOpts });
    return {
      db,
      explain: async (sql, params) => (await pglite.query<{ "QUERY PLAN": string }>(`EXPLAIN ANALYZE ${sql}`, params)).rows.map((r) => r["QUERY PLAN"]),
      close: async () => {
        await db.$disconnect();
        await pglite.close();
      },
    };
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const testUrl = process.env.TEST_DATABASE_URL;
if (testUrl) {
  const dbName = `assetbook_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: testUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(testUrl);
  url.pathname = `/${dbName}`;
  try {
    await runOn("PostgreSQL", { DATABASE_URL: url.toString() }, async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.toString() }), ...logOpts });
      return {
        db,
        explain: async (sql, params) => (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ANALYZE ${sql}`, params)).rows.map((r) => r["QUERY PLAN"]),
        close: async () => {
          await db.$disconnect();
          await client.end();
        },
      };
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
} else {
  console.log("\n(TEST_DATABASE_URL not set: PostgreSQL skipped)");
}
