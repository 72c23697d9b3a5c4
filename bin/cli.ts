// The `assetbook` command line: check, run and fmt notebooks from a terminal; trigger runs on a server.
import fs from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, parseConfig } from "../lib/config";
import { duplicateProducerIssues, SelectionError } from "../lib/graph";
import { withParser } from "./parser";
import { planNotebook } from "../lib/engine/prepare";
import { runPlan } from "../lib/engine/run";
import { readFilePages } from "../lib/extract/file";
import { formatNotebook, parseNotebook } from "../lib/notebook";
import { formatIssue, type FrontMatter, type NotebookIssue } from "../lib/notebook/types";
import { describePartitions, latestPartitions, partitionedWarehouse, partitionPlan } from "../lib/engine/partition-plan";
import { describeEdges } from "../lib/graph/describe";
import { preparePartitioned } from "../lib/engine/prepare-partitioned";
import { notebookPartitions, partitionWindow, PARTITION_COLUMN, type PartitionWindow } from "../lib/partitions/windows";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";
import { readNotebookDir } from "../lib/workspace/notebook-files";
import { dim, formatSummary, green, progressPrinter, red } from "./format";
import { trigger, TRIGGER_COMMAND, TRIGGER_OPTIONS } from "./trigger";
import { lifecycle, LIFECYCLE_USAGE, LifecycleUsageError } from "./lifecycle";
import { hasPromotedProduction } from "../lib/lifecycle/store";
import { review, REVIEW_USAGE, ReviewUsageError } from "./review";

const USAGE = `Usage:
  assetbook check [NOTEBOOK|DIR...]                 parse, validate and build the graph; runs nothing
  assetbook run NOTEBOOK [--db FILE] [--select SEL] [--data-dir DIR] [--partition KEY] [--env NAME]
                                                    materialize the selected assets in graph order
  assetbook fmt [--check] [NOTEBOOK|DIR...]         rewrite notebooks in canonical form
${LIFECYCLE_USAGE}
${REVIEW_USAGE}
${TRIGGER_COMMAND}

  check and fmt take every notebook in a directory named, and in the notebooks directory
  (ASSETBOOK_NOTEBOOKS_DIR, default notebooks/) when nothing is named; check reports an
  asset that two of them produce.

  --db FILE        DuckDB file to materialize into (default: data/dev.duckdb)
  --select SEL     name, name+ (and below), +name (and above), +name+; several separated by spaces or commas
  --data-dir DIR   directory that SQL may read files from (default: ASSETBOOK_DATA_DIR, else data/)
  --partition KEY  run: one partition of a partitioned notebook (required there); its SQL and
                   extract rows replace only that partition's, tagged in the _partition column

${TRIGGER_OPTIONS}`;

type Out = (line: string) => void;

export async function main(argv: string[], out: Out = console.log, err: Out = console.error): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return await check(rest, out, err);
      case "run":
        return await run(rest, out, err);
      case "fmt":
        return await fmt(rest, out, err);
      case "trigger":
        return await trigger(rest, { env: process.env, out, err });
      case "review":
        return await review(rest, process.env, out, err);
      case "plan":
      case "build":
      case "diff":
      case "promote":
      case "rollback":
      case "env":
        return await lifecycle(command, rest, out, err);
      case "help":
      case "--help":
      case "-h":
        out(USAGE);
        return 0;
      default:
        err(command ? `assetbook: unknown command "${command}"\n\n${USAGE}` : USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof SelectionError || e instanceof ConfigError || e instanceof LifecycleUsageError || e instanceof ReviewUsageError) {
      err(`assetbook ${command}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

class UsageError extends Error {}

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function readNotebook(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

/** The notebook files named (a directory stands for its notebooks); none named: the notebooks directory (ASSETBOOK_NOTEBOOKS_DIR, default notebooks/). */
async function notebookFiles(named: string[], err: Out): Promise<string[]> {
  const args = named.length > 0 ? named : [path.relative(process.cwd(), parseConfig(process.env).notebooksDir) || "."];
  const files: string[] = [];
  for (const arg of args) {
    if (!fs.existsSync(arg) || !fs.statSync(arg).isDirectory()) {
      files.push(arg);
      continue;
    }
    const { notebooks, ignored } = await readNotebookDir(arg);
    for (const { file, reason } of ignored) err(dim(`skipped ${path.join(arg, path.basename(file))}: ${reason}`));
    files.push(...notebooks.map((nb) => path.join(arg, `${nb.slug}.md`)));
  }
  if (files.length === 0) throw new UsageError(`name at least one notebook (no notebooks in ${args.join(", ")})`);
  return files;
}

function printIssues(issues: NotebookIssue[], err: Out): void {
  for (const issue of issues) err(red(formatIssue(issue)));
  err(red(`${issues.length} problem${issues.length === 1 ? "" : "s"} found`));
}


async function check(args: string[], out: Out, err: Out): Promise<number> {
  const positionals = await notebookFiles(parse(args, {}).positionals, err);
  return withParser(async (parser) => {
    let failed = 0;
    // Checked together: one asset has one producer across the notebooks named.
    const texts = new Map(positionals.map((file) => [file, readNotebook(file)]));
    const parsed = [...texts].flatMap(([file, text]) => parseNotebook(text, file).notebook ?? []);
    const elsewhere = duplicateProducerIssues(parsed);
    for (const [file, text] of texts) {
      // `{{ partition.* }}` is not SQL: a partitioned notebook is checked with neutral values
      const prepared = await preparePartitioned(text, file, parser, null);
      const duplicates = elsewhere.filter((issue) => issue.file === file);
      if (!prepared.ok || duplicates.length > 0) {
        printIssues([...(prepared.ok ? [] : prepared.issues), ...duplicates].sort((a, b) => a.line - b.line || a.column - b.column), err);
        failed++;
        continue;
      }
      const order = prepared.graph.topoOrder();
      const def = notebookPartitions(prepared.notebook.frontMatter);
      const partitioned = def === null ? "" : `, partitioned (${describePartitions(def)})`;
      out(`${green("ok")} ${file}: ${order.length} asset${order.length === 1 ? "" : "s"}${partitioned} ${dim(describeEdges(prepared.graph))}`);
    }
    return failed > 0 ? 1 : 0;
  });
}

async function run(args: string[], out: Out, err: Out): Promise<number> {
  const { positionals, values } = parse(args, {
    db: { type: "string", default: path.join("data", "dev.duckdb") },
    select: { type: "string" },
    "data-dir": { type: "string" },
    partition: { type: "string" },
    env: { type: "string" },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError("name exactly one notebook");
  // `run --env NAME` builds the notebook into an environment, as `build` does.
  if (typeof values.env === "string") {
    if (values.select !== undefined || values.partition !== undefined || values["data-dir"] !== undefined) {
      throw new UsageError("run --env builds the whole notebook as `build` does: --select, --partition and --data-dir do not apply (ASSETBOOK_DATA_DIR sets the data directory)");
    }
    return lifecycle("build", [file, "--env", values.env, "--db", String(values.db)], out, err);
  }
  const db = String(values.db);
  const dataDir = typeof values["data-dir"] === "string" ? path.resolve(values["data-dir"]) : parseConfig(process.env).dataDir;
  // Which addresses extracts may reach, as on the server (ASSETBOOK_OUTBOUND_ALLOW).
  const { outbound } = parseConfig(process.env);
  const selection = typeof values.select === "string" ? values.select : undefined;
  const key = typeof values.partition === "string" ? values.partition : null;
  const text = readNotebook(file);
  const prepared = await withParser((parser) => preparePartitioned(text, file, parser, key));
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

async function fmt(args: string[], out: Out, err: Out): Promise<number> {
  const { positionals: named, values } = parse(args, { check: { type: "boolean", default: false } });
  const positionals = await notebookFiles(named, err);
  let status = 0;
  let canonical = 0;
  for (const file of positionals) {
    const text = readNotebook(file);
    // Only a notebook that parses is rewritten: formatting must never hide or move an error.
    const parsed = parseNotebook(text, file);
    const formatted = formatNotebook(text, file);
    if (!parsed.ok || !formatted.ok) {
      printIssues(parsed.ok ? (formatted.ok ? [] : formatted.issues) : parsed.issues, err);
      status = 1;
      continue;
    }
    if (formatted.text === text) {
      canonical++;
      continue;
    }
    if (values.check) {
      err(`${file}: not in canonical form (run: assetbook fmt ${file})`);
      status = 1;
    } else {
      writeAtomically(file, formatted.text);
      out(`formatted ${file}`);
    }
  }
  if (canonical > 0) out(`${canonical} notebook${canonical === 1 ? "" : "s"} ${values.check && status === 0 ? "" : "already "}in canonical form`);
  return status;
}

/** Write beside the file, then rename over it: a crash never leaves half a notebook. */
function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
