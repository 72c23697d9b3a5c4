// Promotion time for 1, 10 and 100 changed assets over 10M rows in all, against a bare
// CREATE TABLE AS of the same data (what copying the changed assets into production would
// cost), on a file-backed DuckDB and, with TEST_DATABASE_URL (or ASSETBOOK_BENCH_PG), on
// PostgreSQL. A promotion only points views, so it should not grow with the data.
// Usage: npx tsx bench/promote.ts [rows=10000000]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { buildEnvironment } from "../lib/lifecycle/build";
import { promoteEnvironment } from "../lib/lifecycle/promote";
import { ensureLifecycleTables } from "../lib/lifecycle/store";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";
import { openPostgresWarehouse } from "../lib/warehouse/postgres";
import type { Warehouse } from "../lib/warehouse/types";

const totalRows = Number(process.argv[2] ?? 10_000_000);
const ASSETS = 100;
const perAsset = Math.floor(totalRows / ASSETS);

/** One notebook of 100 independent assets; `changed` of them differ by `salt`. */
function project(changed: number, salt: number): { slug: string; text: string }[] {
  const cells = Array.from({ length: ASSETS }, (_, i) => {
    const bump = i < changed ? salt : 0;
    return `\`\`\`sql a${i}\nselect g.i as id, g.i % 97 + ${bump} as v from generate_series(1, ${perAsset}) as g(i)\n\`\`\``;
  });
  return [{ slug: "bench", text: `---\ntitle: Bench\n---\n\n${cells.join("\n\n")}\n` }];
}

async function measure(name: string, open: () => Promise<Warehouse>): Promise<void> {
  const parser = await NodeSqlReferenceParser.create();
  const warehouse = await open();
  try {
    await ensureLifecycleTables(warehouse);
    const build = async (env: string, changed: number, salt: number) => {
      const result = await buildEnvironment({ warehouse, productionSchema: warehouse.schema, env, proposed: project(changed, salt), parser });
      if (!result.ok || !result.summary.ok) throw new Error(`build ${env} failed`);
    };
    await build("base", 0, 0);
    await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "base" });
    const start = performance.now();
    await warehouse.exec(`CREATE TABLE bare_copy AS SELECT g.i AS id, g.i % 97 AS v FROM generate_series(1, ${totalRows}) AS g(i)`);
    const bare = performance.now() - start;
    await warehouse.exec("DROP TABLE bare_copy");
    console.log(`${name}: ${ASSETS} assets, ${totalRows.toLocaleString("en")} rows in all; bare CREATE TABLE AS of them: ${bare.toFixed(0)} ms`);
    let salt = 1;
    for (const changed of [1, 10, 100]) {
      const env = `c${changed}`;
      await build(env, changed, salt++);
      const t = performance.now();
      const result = await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env });
      const ms = performance.now() - t;
      if (!result.ok) throw new Error(result.reason);
      console.log(`  promote ${String(changed).padStart(3)} changed: ${ms.toFixed(0).padStart(6)} ms  ${(ms / bare).toFixed(3)}x bare`);
    }
  } finally {
    await warehouse.close();
    parser.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-bench-promote-"));
await measure("duckdb", () => openDuckDbWarehouse({ path: path.join(dir, "bench.duckdb"), dataDir: dir }));
fs.rmSync(dir, { recursive: true, force: true });

const pgUrl = process.env.ASSETBOOK_BENCH_PG ?? process.env.TEST_DATABASE_URL;
if (pgUrl) {
  const database = `bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  try {
    const url = new URL(pgUrl);
    url.pathname = `/${database}`;
    await measure("postgres", () => openPostgresWarehouse({ connectionString: url.toString() }));
  } finally {
    // Autovacuum (a superuser's backend) may still be in the new database for a moment.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        break;
      } catch (error) {
        if (attempt >= 40) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    await admin.end();
  }
}
