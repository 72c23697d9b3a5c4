// `assetbook run NOTEBOOK`: materializes the selected assets in graph order into a DuckDB
// file. Loaded only when run (with the engine, DuckDB and the extract client).
import fs from "node:fs";
import path from "node:path";
import { parseConfig } from "../lib/config";
import { planNotebook } from "../lib/engine/prepare";
import { runPlan } from "../lib/engine/run";
import { workspaceOf } from "../lib/workspace/workspace-source";
import { paramPairs } from "../lib/notebook/params";
import { describePartitions, latestPartitions, partitionedWarehouse, partitionPlan } from "../lib/engine/partition-plan";
import { preparePartitioned } from "../lib/engine/prepare-partitioned";
import { readFilePages } from "../lib/extract/file";
import { hasPromotedProduction } from "../lib/lifecycle/store";
import type { FrontMatter } from "../lib/notebook/types";
import { notebookPartitions, partitionWindow, PARTITION_COLUMN, type PartitionWindow } from "../lib/partitions/windows";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";
import { parse, printIssues, readNotebook, type Out } from "./args";
import { dim, formatSummary, progressPrinter, red } from "./format";
import { withParser } from "./parser";
import { UsageError } from "./usage";

export async function run(args: string[], out: Out, err: Out): Promise<number> {
  const { positionals, values } = parse(args, {
    db: { type: "string", default: path.join("data", "dev.duckdb") },
    select: { type: "string" },
    "data-dir": { type: "string" },
    partition: { type: "string" },
    env: { type: "string" },
    "full-refresh": { type: "boolean", default: false },
    param: { type: "string", multiple: true },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError("name exactly one notebook");
  // `run --env NAME` builds the notebook into an environment, as `build` does.
  if (typeof values.env === "string") {
    if (values.select !== undefined || values.partition !== undefined || values["data-dir"] !== undefined) {
      throw new UsageError("run --env builds the whole notebook as `build` does: --select, --partition and --data-dir do not apply (ASSETBOOK_DATA_DIR sets the data directory)");
    }
    return (await import("./lifecycle")).lifecycle("build", [file, "--env", values.env, "--db", String(values.db)], out, err);
  }
  const db = String(values.db);
  const dataDir = typeof values["data-dir"] === "string" ? path.resolve(values["data-dir"]) : parseConfig(process.env).dataDir;
  // Which addresses extracts may reach, as on the server (ASSETBOOK_OUTBOUND_ALLOW).
  const { outbound } = parseConfig(process.env);
  const selection = typeof values.select === "string" ? values.select : undefined;
  const key = typeof values.partition === "string" ? values.partition : null;
  const text = readNotebook(file);
  // `run` is development: the workspace file's development values.
  const workspace = await workspaceOf(path.dirname(file), "development");
  if (!workspace.ok) {
    printIssues(workspace.issues, err);
    return 1;
  }
  const pairs = paramPairs(values.param ?? []);
  if (!pairs.ok) throw new UsageError(pairs.problem);
  const prepared = await withParser((parser) => preparePartitioned(text, file, parser, key, workspace.workspace, pairs.params));
  if (!prepared.ok) {
    printIssues(prepared.issues, err);
    return 1;
  }
  const window = runPartition(file, prepared.notebook.frontMatter, key);
  const selected = planNotebook(prepared.notebook, prepared.graph, selection);
  let plan: typeof selected;
  try {
    plan = partitionPlan(selected, window);
  } catch (e) {
    err(red(`${file}: ${e instanceof Error ? e.message : String(e)}`));
    return 1;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(path.dirname(path.resolve(db)), { recursive: true });
  const warehouse = await openDuckDbWarehouse({ path: db, dataDir });
  try {
    // Production changes only by a promotion once it has had one.
    if (await hasPromotedProduction(warehouse)) {
      err(red(`${db} has a promoted production: \`run\` would write it. Build into an environment instead: assetbook run ${file} --env NAME --db ${db} (or assetbook build)`));
      return 1;
    }
    out(dim(`${file}${window === null ? "" : ` partition ${window.key}`} -> ${db}`));
    const summary = await runPlan({
      // as in production runs: a partition's SQL and extract rows replace only its own
      warehouse: partitionedWarehouse(warehouse, plan.cells, window),
      plan,
      onEvent: progressPrinter(out),
      // Incremental cells built whole, as on their first run.
      ...(values["full-refresh"] ? { fullRefresh: true } : {}),
      // The CLI reads secrets from the environment: `secret:FITNESS_TOKEN` is $FITNESS_TOKEN.
      extract: {
        resolveSecret: (name) => process.env[name],
        dataDir,
        readFilePages,
        outbound,
        ...(window === null ? {} : { partition: { column: PARTITION_COLUMN, key: window.key } }),
      },
    });
    out(formatSummary(summary));
    return summary.ok ? 0 : 1;
  } finally {
    await warehouse.close();
  }
}

/** The window `--partition KEY` names: required on a partitioned notebook, refused on another. */
function runPartition(file: string, frontMatter: FrontMatter, key: string | null): PartitionWindow | null {
  const def = notebookPartitions(frontMatter);
  if (def === null) {
    if (key === null) return null;
    throw new UsageError(`${file} is not partitioned: --partition KEY needs partitions: in the notebook's front matter`);
  }
  const window = key === null ? null : partitionWindow(def, key);
  if (window !== null) return window;
  const latest = latestPartitions(def, new Date(), 3).map((w) => w.key);
  const hint = latest.length === 0 ? "no partition has started yet" : `pass --partition KEY, e.g. ${latest.slice(0, -1).join(", ")}${latest.length > 1 ? " or " : ""}${latest.at(-1) ?? ""}`;
  if (key === null) throw new UsageError(`${file} is partitioned (${describePartitions(def)}): ${hint}`);
  throw new UsageError(`${file} has no partition "${key}" (${describePartitions(def)}): ${hint}`);
}
