// The notebook-file sync on two 5,000-cell notebooks, as /catalog runs it: a full sync (an
// empty catalog), against what a page load costs afterwards. Printed as ratios to the full
// sync, all measured in this run (no absolute goals: machines differ):
//   - page load, nothing changed: the directory stamp only (what app/_lib/server-context.ts does);
//   - sync of unchanged files (a touched file: read and hashed, nothing parsed or written);
//   - sync after one cell of one notebook changed (that notebook parsed again, one row written);
//   - a new process (no memory): every file parsed, the catalog already current, nothing written;
//   - the longest the event loop was blocked during the full sync (other requests wait that long).
// Usage: npx tsx bench/sync.ts [cells=5000] [repeats=20]
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openCatalogStore } from "../lib/catalog";
import { newSyncMemory, syncNotebookFiles, type SyncResult } from "../lib/catalog/sync-notebooks";
import { ensureWorkspace } from "../lib/catalog/workspaces";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { notebookDirStamp } from "../lib/workspace/notebook-files";

const cells = Number(process.argv[2] ?? 5_000);
const repeats = Number(process.argv[3] ?? 20);

/** A chain of SQL cells, each reading the one before, with a check: what a large pipeline looks like. */
function notebook(prefix: string, n: number, edit = ""): string {
  const parts = [`---\ntitle: ${prefix}\nowners: [data@example.com]\n---`];
  for (let i = 0; i < n; i++) {
    const from = i === 0 ? "" : ` from ${prefix}_${i - 1}`;
    parts.push(`\`\`\`sql ${prefix}_${i}\n-- checks: not_null(x)\nselect ${i} as x${i === n - 1 ? edit : ""}${i === 0 ? "" : ", x as previous"}${from}\n\`\`\``);
  }
  return `${parts.join("\n\n")}\n`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-bench-sync-"));
const store = await openCatalogStore({ catalogDir: path.join(dir, "catalog") }, { onWarning: () => undefined });
const parser = await NodeSqlReferenceParser.create();
try {
  const notebooks = path.join(dir, "notebooks");
  await mkdir(notebooks);
  await writeFile(path.join(notebooks, "alpha.md"), notebook("alpha", cells));
  await writeFile(path.join(notebooks, "beta.md"), notebook("beta", cells));
  const workspaceId = (await ensureWorkspace(store.db, "bench")).id;
  const memory = newSyncMemory();
  const sync = (m = memory) => syncNotebookFiles(store.db, workspaceId, notebooks, parser, m);
  const check = (result: SyncResult, parsed: number, written: number) => {
    if (result.parsed !== parsed || result.written !== written || result.problems.length > 0) throw new Error(`unexpected sync: ${JSON.stringify({ ...result, problems: result.problems.slice(0, 3) })}`);
  };

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const full = await timed(() => sync());
  loop.disable();
  check(full.value, 2, 2 * cells);
  const longestStallMs = loop.max / 1e6;

  const stamp = await notebookDirStamp(notebooks);
  const pageLoads: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const { ms, value } = await timed(() => notebookDirStamp(notebooks));
    if (value !== stamp) throw new Error("the stamp changed with nothing written");
    pageLoads.push(ms);
  }

  const unchanged: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const at = new Date(Date.now() + (i + 1) * 1000);
    await utimes(path.join(notebooks, "alpha.md"), at, at);
    const { ms, value } = await timed(() => sync());
    check(value, 0, 0);
    unchanged.push(ms);
  }

  await writeFile(path.join(notebooks, "beta.md"), notebook("beta", cells, ", 1 as edited"));
  const oneCell = await timed(() => sync());
  check(oneCell.value, 1, 0);

  const restart = await timed(() => sync(newSyncMemory()));
  check(restart.value, 2, 0);

  const ratio = (ms: number) => (ms / full.ms).toExponential(2);
  console.log(`notebook sync, 2 notebooks x ${cells} cells (embedded catalog); ratios to the full sync (1), medians of ${repeats} where repeated`);
  console.log(`  page load, nothing changed (directory stamp):   ${ratio(median(pageLoads))}`);
  console.log(`  sync of unchanged files (touched, not parsed):   ${ratio(median(unchanged))}`);
  console.log(`  sync after one notebook changed (1 parsed):      ${ratio(oneCell.ms)}`);
  console.log(`  new process, catalog current (2 parsed, 0 rows): ${ratio(restart.ms)}`);
  console.log(`  longest event-loop stall during the full sync:   ${ratio(longestStallMs)}`);
} finally {
  parser.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
