// `assetbook import dbt PATH [--out notebooks/] [--data-dir data/] [--force]`: converts a dbt
// project into notebooks (lib/importers/dbt), copies its seeds into the data directory, and
// prints what it converted and, with file:line, everything it could not.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { convertDbtProject } from "../lib/importers/dbt/convert";
import { DbtProjectError } from "../lib/importers/dbt/project";
import { readProjectFiles } from "../lib/importers/dbt/read-files";
import { dim, green, yellow } from "./format";
import { UsageError, IMPORT_USAGE } from "./usage";

type Out = (line: string) => void;

export async function importCommand(args: string[], out: Out, err: Out): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { out: { type: "string" }, "data-dir": { type: "string" }, force: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${IMPORT_USAGE}`);
  }
  const [kind, source, ...extra] = parsed.positionals;
  if (kind !== "dbt" || source === undefined || extra.length > 0) throw new UsageError(IMPORT_USAGE);
  if (!fs.existsSync(source) || !fs.statSync(source).isDirectory()) throw new UsageError(`${source}: not a folder`);
  const outDir = parsed.values.out ?? "notebooks";
  const dataDir = parsed.values["data-dir"] ?? "data";
  let result;
  try {
    result = convertDbtProject(readProjectFiles(source));
  } catch (error) {
    if (error instanceof DbtProjectError) {
      err(`${source}/${error.message}`);
      return 1;
    }
    throw error;
  }
  if (result.notebooks.length === 0) {
    // Nothing to write: say why (the report), and fail, so a script does not go on to check nothing.
    err(`${source}: nothing converted (models ${result.counts.modelsConverted}/${result.counts.models}, seeds ${result.counts.seeds})`);
    for (const line of result.report) err(`  ${path.join(source, line.file)}:${line.line}: ${line.message}`);
    return 1;
  }
  const targets = result.notebooks.map((nb) => path.join(outDir, `${nb.slug}.md`));
  const existing = parsed.values.force ? [] : targets.filter((file) => fs.existsSync(file));
  if (existing.length > 0) {
    err(`not overwriting ${existing.join(", ")} (use --force, or --out another folder)`);
    return 1;
  }
  fs.mkdirSync(outDir, { recursive: true });
  result.notebooks.forEach((nb, i) => writeAtomically(targets[i] ?? "", nb.text));
  for (const seed of result.seeds) {
    const to = path.join(dataDir, seed.to);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(source, seed.from), to);
  }
  const { counts } = result;
  out(`${green("imported")} ${source} -> ${outDir}: ${result.notebooks.map((nb) => `${nb.slug}.md`).join(", ")}`);
  out(`  models ${counts.modelsConverted}/${counts.models}, tests ${counts.testsConverted}/${counts.tests}, seeds ${counts.seeds} (copied into ${path.join(dataDir, "seeds")}), sources ${counts.sources}`);
  if (result.report.length > 0) {
    out(yellow(`  not converted or converted differently (${result.report.length}):`));
    for (const line of result.report) out(`    ${path.join(source, line.file)}:${line.line}: ${line.message}`);
  }
  out(dim(`  next: assetbook check ${outDir}/*.md, then run the notebooks (seeds first)`));
  return 0;
}

function writeAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
