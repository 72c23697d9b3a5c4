// One team-mode worker of bench/runs in a process of its own, as `npm run worker` runs one:
// prints "ready" once its store and queue are open; then, by lines on stdin, works no-op runs
// from "go", stops working at "pause" (and prints "paused"), exits at "stop".
// Usage: npx tsx bench/runs-worker.ts DATABASE_URL NOTEBOOKS_DIR CONCURRENCY
import readline from "node:readline";
import { openCatalogStore } from "../lib/catalog";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { openGraphileQueue } from "../lib/queue/graphile";
import type { Worker } from "../lib/queue/types";
import { RunService } from "../lib/runs";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";

const [url, notebooksDir, concurrencyArg] = process.argv.slice(2);
if (!url || !notebooksDir || !concurrencyArg) throw new Error("usage: runs-worker.ts DATABASE_URL NOTEBOOKS_DIR CONCURRENCY");

const store = await openCatalogStore({ databaseUrl: url }, { onWarning: () => undefined });
const queue = await openGraphileQueue({ connectionString: url });
const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
const parser = await NodeSqlReferenceParser.create();
const service = new RunService({
  db: store.db,
  queue,
  openWarehouse: async () => ({ warehouse, release: async () => undefined }),
  notebooksDir,
  parser: async () => parser,
  materialize: async () => ({ ok: true, rows: 0, columns: [], checks: [] }),
});

let worker: Worker | null = null;
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write("ready\n");
for await (const line of lines) {
  if (line === "go") worker ??= queue.work(service.handlers(), { concurrency: Number(concurrencyArg), pollIntervalMs: 200, lockTimeoutMs: 60_000 });
  if (line === "pause") {
    await worker?.stop();
    worker = null;
    process.stdout.write("paused\n");
  }
  if (line === "stop") break;
}
lines.close();
await worker?.stop();
await queue.close();
await store.close();
await warehouse.close();
parser.close();
