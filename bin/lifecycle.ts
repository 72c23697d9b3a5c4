// The lifecycle's commands (a contract: tests drive them): plan, build, diff, promote,
// rollback, env list | env drop. Each works on a DuckDB warehouse file (`--db`), where
// environments live, or on a server's production (ASSETBOOK_SERVER, ASSETBOOK_TOKEN), and
// with `--json` prints one JSON document on stdout.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { parseConfig } from "../lib/config";
import type { AssetDiff } from "../lib/lifecycle/env-diff";
import { readFilePages } from "../lib/extract/file";
import { withParser } from "./parser";
import { envNameSchema } from "../lib/lifecycle/layout";
import type { Plan } from "../lib/lifecycle/plan";
import { describeSchedule } from "../lib/lifecycle/partitions";
import { PROMOTION_CRASH_POINTS, type PromotionCrashPoint } from "../lib/lifecycle/promote";
import { ensureLifecycleTables } from "../lib/lifecycle/store";
import { formatIssue } from "../lib/notebook/types";
import { WORKSPACE_FILE } from "../lib/notebook/workspace-file";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";
import { readNotebookDir } from "../lib/workspace/notebook-files";
import { isSlug } from "../lib/workspace/slug";
import { dim, formatSummary, green, progressPrinter, red, yellow } from "./format";
import { z } from "zod";
import { warehouseLifecycle, type LifecycleOps } from "../lib/runs/lifecycle-ops";
import { remoteLifecycle } from "./lifecycle-remote";
import { serverUrl, TriggerUsageError } from "./trigger";
import { promoteReview } from "./review";
import { UsageError } from "./usage";

type Out = (line: string) => void;
export class LifecycleUsageError extends UsageError {}

export const LIFECYCLE_COMMANDS = ["plan", "build", "diff", "promote", "rollback", "env"] as const;
function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, db: { type: "string" }, json: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new LifecycleUsageError(e instanceof Error ? e.message : String(e));
  }
}

function envName(value: unknown): string {
  if (typeof value !== "string") throw new LifecycleUsageError("--env NAME is required");
  const parsed = envNameSchema.safeParse(value);
  if (!parsed.success) throw new LifecycleUsageError(`--env: ${parsed.error.issues[0]?.message ?? "invalid name"}`);
  return parsed.data;
}

const serverEnv = z.object({
  ASSETBOOK_SERVER: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  ASSETBOOK_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
});

/**
 * The commands over `--db FILE` (default data/dev.duckdb), or, without `--db` and with
 * ASSETBOOK_SERVER set, over that server's production (ASSETBOOK_TOKEN authenticates).
 */
async function withOps<T>(db: unknown, work: (ops: LifecycleOps) => Promise<T>, creates = false, dataDirArg?: unknown): Promise<T> {
  const env = serverEnv.parse(process.env);
  if (typeof db !== "string" && env.ASSETBOOK_SERVER !== undefined) {
    const server = serverUrl(env.ASSETBOOK_SERVER, "ASSETBOOK_SERVER");
    if (env.ASSETBOOK_TOKEN === undefined) throw new LifecycleUsageError(`ASSETBOOK_TOKEN is not set: create an API token on ${new URL("settings", server).href} and export it`);
    return work(remoteLifecycle(server, env.ASSETBOOK_TOKEN));
  }
  const file = typeof db === "string" ? db : path.join("data", "dev.duckdb");
  // Only plan and build may start a warehouse (and only the default one's folder is made):
  // a mistyped --db must not leave a new empty database, or folders, behind.
  if (!fs.existsSync(file)) {
    if (!creates) throw new LifecycleUsageError(`--db ${file}: no such warehouse file`);
    if (typeof db === "string" && !fs.existsSync(path.dirname(path.resolve(file)))) throw new LifecycleUsageError(`--db ${file}: no such directory ${path.dirname(file)}`);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() === true) throw new LifecycleUsageError(`--db ${file}: a directory, not a warehouse file`);
  const fromEnv = parseConfig(process.env);
  // --data-dir, as for run: the folder file sources and SQL may read.
  const config = typeof dataDirArg === "string" ? { ...fromEnv, dataDir: path.resolve(dataDirArg) } : fromEnv;
  const warehouse = await openDuckDbWarehouse({ path: file, dataDir: config.dataDir });
  try {
    await ensureLifecycleTables(warehouse);
    return await withParser((parser) =>
      work(
        warehouseLifecycle({
          warehouse,
          parser,
          extract: { resolveSecret: (name) => process.env[name], dataDir: config.dataDir, readFilePages, outbound: config.outbound },
          crash: crashFromEnv(process.env.ASSETBOOK_PROMOTE_CRASH_AT),
        }),
      ),
    );
  } finally {
    await warehouse.close();
  }
}

/** The proposed texts PATH… name; a directory is the whole project, so production's notebooks it lacks are removed. */
async function readProposal(paths: string[]): Promise<{ notebooks: { slug: string; text: string }[]; project: boolean }> {
  if (paths.length === 0) throw new LifecycleUsageError("name at least one notebook file or directory");
  const proposed = new Map<string, string>();
  let project = false;
  for (const arg of paths) {
    if (fs.existsSync(arg) && fs.statSync(arg).isDirectory()) {
      const { notebooks, workspace, ignored } = await readNotebookDir(arg);
      if (ignored.length > 0) throw new LifecycleUsageError(ignored.map((i) => `${i.file}: ${i.reason}`).join("\n"));
      project = true;
      for (const nb of notebooks) proposed.set(nb.slug, nb.text);
      // The workspace file goes with the notebooks: planned, built, promoted and rolled back with them.
      if (workspace !== null) proposed.set(WORKSPACE_FILE, workspace);
      continue;
    }
    if (!fs.existsSync(arg)) throw new LifecycleUsageError(`${arg}: no such file or directory`);
    const slug = path.basename(arg).replace(/\.md$/, "");
    if (!arg.endsWith(".md") || !isSlug(slug)) throw new LifecycleUsageError(`${arg}: a notebook is a <slug>.md file`);
    let text: string;
    try {
      text = fs.readFileSync(arg, "utf8");
    } catch {
      throw new LifecycleUsageError(`cannot read ${arg}`);
    }
    proposed.set(slug, text);
  }
  return { notebooks: [...proposed].map(([slug, text]) => ({ slug, text })), project };
}

function printPlan(plan: Plan, out: Out): void {
  const mark = { added: green("+"), removed: red("-"), breaking: red("!"), non_breaking: yellow("~"), unchanged: dim("=") } as const;
  out(`plan for ${plan.env} ${dim(plan.hash)}`);
  for (const asset of plan.assets) {
    const what =
      asset.build ? ` -> build${asset.reason ? ` (${asset.reason})` : ""}`
      : asset.excluded ? yellow(" -> not built: outside --select, production's version is read")
      : asset.change === "removed" ? ""
      : dim(" -> read from production in place");
    out(`  ${mark[asset.change]} ${asset.asset} ${dim(`(${asset.notebook})`)} ${asset.change}${what}`);
    if (asset.partitions) out(dim(`      ${describeSchedule(asset.partitions)}`));
  }
  out(dim(`  ${plan.build.length} to build`));
  if (plan.excluded && plan.excluded.length > 0) out(yellow(`  --select ${plan.selection ?? ""} leaves out ${plan.excluded.join(", ")}: this build cannot be promoted`));
}

export async function lifecycle(command: (typeof LIFECYCLE_COMMANDS)[number], args: string[], out: Out, err: Out): Promise<number> {
  const json = args.includes("--json");
  try {
    return await lifecycleCommand(command, args, out, err);
  } catch (error) {
    // With --json, every answer is one document on stdout: a usage error's too (the message
    // also goes to stderr, and the exit code stays 2).
    const usage = error instanceof TriggerUsageError ? new LifecycleUsageError(error.message) : error;
    if (usage instanceof UsageError) {
      if (json) out(JSON.stringify({ ok: false, error: usage.message }));
      throw usage;
    }
    // A refusal (warehouse guard, planner, server) is the command's answer; so is a warehouse
    // file that cannot be opened (locked by another process, not a database): one line, no stack.
    const message = error instanceof Error ? error.message : String(error);
    if (json) out(JSON.stringify({ ok: false, error: message }));
    else err(red(message));
    return 1;
  }
}

async function lifecycleCommand(command: (typeof LIFECYCLE_COMMANDS)[number], args: string[], out: Out, err: Out): Promise<number> {
  switch (command) {
    case "plan":
    case "build": {
      const { positionals, values } = parse(args, { env: { type: "string" }, partition: { type: "string", multiple: true }, select: { type: "string" }, "data-dir": { type: "string" } });
      const proposal = {
        env: envName(values.env),
        ...(await readProposal(positionals)),
        ...(values.partition ? { partitions: values.partition } : {}),
        ...(values.select === undefined ? {} : { select: values.select }),
      };
      return withOps(
        values.db,
        async (ops) => {
          if (command === "plan") {
            const planned = await ops.plan(proposal);
            if (!planned.ok) return issuesFailed(planned.issues, values.json, out, err);
            if (values.json) out(JSON.stringify(planned.plan));
            else printPlan(planned.plan, out);
            return 0;
          }
          const result = await ops.build(proposal, values.json ? undefined : progressPrinter(out));
          if (!result.ok) return issuesFailed(result.issues, values.json, out, err);
          const { document } = result;
          if (values.json) out(JSON.stringify(document));
          else {
            printPlan(document.plan, out);
            if (document.reused.length > 0) out(dim(`  reused (built before): ${document.reused.join(", ")}`));
            out(formatSummary(document));
          }
          return document.ok ? 0 : 1;
        },
        true,
        values["data-dir"],
      );
    }
    case "diff": {
      const { positionals, values } = parse(args, { env: { type: "string" }, key: { type: "string", multiple: true } });
      const env = envName(values.env);
      return withOps(values.db, async (ops) => {
        const result = await ops.diff({ env, ...(positionals.length > 0 ? { assets: positionals } : {}), ...(values.key ? { key: values.key } : {}) });
        if (!result.ok) throw new LifecycleUsageError(result.reason);
        const diffs = result.assets;
        if (values.json) out(JSON.stringify({ env, assets: diffs }));
        else if (Object.keys(diffs).length === 0) out(dim(`no asset of ${env} is in another version than production's: nothing to compare`));
        else for (const [asset, diff] of Object.entries(diffs)) out(formatDiff(asset, diff));
        return Object.values(diffs).some((diff) => "error" in diff) ? 1 : 0;
      });
    }
    case "promote": {
      const { values } = parse(args, { env: { type: "string" }, review: { type: "string" } });
      if (values.review !== undefined) {
        if (values.env !== undefined || values.db !== undefined) throw new LifecycleUsageError("--review promotes a review on the server: it takes neither --env nor --db");
        return promoteReview(values.review, values.json, process.env, out, err);
      }
      const env = envName(values.env);
      return withOps(values.db, async (ops) => {
        const result = await ops.promote(env);
        if (values.json) out(JSON.stringify(result));
        else if (result.ok) {
          out(`${green("promoted")} ${env} ${dim(result.promotion)}: ${result.changed.join(", ") || "no asset changed"}`);
          for (const entry of result.backfill ?? []) out(dim(`  ${entry.notebook}: partitions other than ${entry.built.join(", ")} are backfilled by production's runs (${entry.assets.join(", ")})`));
        }
        else err(red(result.reason));
        return result.ok ? 0 : 1;
      });
    }
    case "rollback": {
      const { values } = parse(args, { to: { type: "string" } });
      return withOps(values.db, async (ops) => {
        const result = await ops.rollback(typeof values.to === "string" ? values.to : undefined);
        if (values.json) out(JSON.stringify(result));
        else if (result.ok) out(`${green("rolled back")} ${dim(result.promotion)}: ${result.changed.join(", ") || "no asset changed"}`);
        else err(red(result.reason));
        return result.ok ? 0 : 1;
      });
    }
    case "env": {
      const { positionals, values } = parse(args, {});
      const [action, name, ...extra] = positionals;
      if (action === "list" && name === undefined) {
        return withOps(values.db, async (ops) => {
          const list = await ops.list();
          if (values.json) out(JSON.stringify(list));
          else {
            for (const e of list.environments) out(`${e.env} ${dim(e.status)}`);
            if (list.environments.length === 0) out(dim("no environments"));
          }
          return 0;
        });
      }
      if (action === "drop" && name !== undefined && extra.length === 0) {
        const env = envName(name);
        return withOps(values.db, async (ops) => {
          const result = await ops.drop(env);
          if (values.json) out(JSON.stringify(result));
          else if (result.dropped) out(`dropped ${env}${result.versions.length > 0 ? dim(` (${result.versions.length} version${result.versions.length === 1 ? "" : "s"})`) : ""}`);
          else err(red(`no environment ${env}`));
          return result.dropped ? 0 : 1;
        });
      }
      throw new LifecycleUsageError("env list | env drop NAME");
    }
    default: {
      const unreachable: never = command;
      throw new LifecycleUsageError(`unknown command ${String(unreachable)}`);
    }
  }
}

/** ASSETBOOK_PROMOTE_CRASH_AT=<point>: the process kills itself there (kill -9), for crash tests. */
function crashFromEnv(value: string | undefined): (point: PromotionCrashPoint) => void {
  if (value === undefined || value === "") return () => undefined;
  if (!PROMOTION_CRASH_POINTS.some((point) => point === value)) throw new LifecycleUsageError(`ASSETBOOK_PROMOTE_CRASH_AT must be one of ${PROMOTION_CRASH_POINTS.join(", ")}`);
  return (point) => {
    if (point === value) process.kill(process.pid, "SIGKILL");
  };
}

function issuesFailed(issues: readonly Parameters<typeof formatIssue>[0][], json: boolean, out: Out, err: Out): number {
  if (json) out(JSON.stringify({ ok: false, issues }));
  for (const issue of issues) err(red(formatIssue(issue)));
  err(red(`${issues.length} problem${issues.length === 1 ? "" : "s"} found`));
  return 1;
}

function formatDiff(asset: string, diff: AssetDiff): string {
  if ("error" in diff) return red(`${asset}: ${diff.error}`);
  const lines = [`${asset}: rows ${diff.rows.production} -> ${diff.rows.env}; +${diff.added} -${diff.removed}${diff.changed === null ? "" : ` ~${diff.changed}`}`];
  if (diff.schema.added.length + diff.schema.removed.length + diff.schema.retyped.length > 0) {
    lines.push(`  columns: ${[...diff.schema.added.map((c) => `+${c}`), ...diff.schema.removed.map((c) => `-${c}`), ...diff.schema.retyped.map((c) => `~${c.name} ${c.production}->${c.env}`)].join(" ")}`);
  }
  for (const column of diff.columns.filter((c) => c.changed > 0)) lines.push(`  ${column.name}: ${column.changed} changed (${(column.match * 100).toFixed(2)}% match)`);
  for (const warning of diff.warnings) lines.push(dim(`  ${warning}`));
  return lines.join("\n");
}
