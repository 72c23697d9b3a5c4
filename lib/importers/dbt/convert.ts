// `assetbook import dbt`: a dbt project as notebooks. Models become SQL cells (one notebook
// per model folder) with `ref`, `source`, `var`, `config` and the project's macros rendered;
// schema tests and singular tests become checks; seeds become file extracts; sources read
// by a seed's name become that seed, the others externals; descriptions are carried over.
// Pure: files in, notebook texts and a report out (bin/import-command.ts does the I/O).
import { schemaNameProblem } from "../../notebook/values";
import { parse } from "yaml";
import { formatNotebook } from "../../notebook";
import { ASSET_NAME_PATTERN } from "../../notebook/values";
import { filesUnder, folderConfig, readProject, type DbtFiles, type DbtProject, type ReportLine } from "./project";
import { isRecord } from "../../guards";
import { macroLibrary, renderDbt, reportOf, type ModelConfig } from "./render";
import { convertTest, type ConvertedCheck, type TableNames } from "./tests";

export interface ImportResult {
  notebooks: { slug: string; text: string }[];
  /** Seed files to copy into the data directory: the project's path → the path the extract cells read (under the data directory). */
  seeds: { from: string; to: string }[];
  report: ReportLine[];
  counts: { models: number; modelsConverted: number; tests: number; testsConverted: number; seeds: number; sources: number };
}

interface ModelDoc {
  file: string;
  line: number;
  description?: string;
  columns: { name: string; description?: string; tests: unknown[] }[];
  tests: unknown[];
}

interface SourceTable {
  table: string;
  /** What the notebooks read: a seed's name, or `schema.identifier`. */
  readAs: string;
}

interface Model {
  name: string;
  file: string;
  folder: string;
  sql: string;
  config: ModelConfig;
  reads: Set<string>;
  checks: ConvertedCheck[];
  custom: { name: string; sql: string }[];
}

const SEEDS_NOTEBOOK = "seeds";

export function convertDbtProject(files: DbtFiles): ImportResult {
  const project = readProject(files);
  const report: ReportLine[] = [];
  const paths = [...files.texts.keys()];
  const docs = docBlocks(filesUnder(paths, project.modelPaths, ".md").map((file) => files.texts.get(file) ?? ""));
  const prelude = macroLibrary(filesUnder(paths, project.macroPaths, ".sql").map((file) => files.texts.get(file) ?? ""));

  const seeds = new Map<string, string>();
  for (const file of filesUnder(files.seeds, project.seedPaths, ".csv")) {
    const name = baseName(file, ".csv");
    if (!ASSET_NAME_PATTERN.test(name)) report.push({ file, line: 1, message: `seed "${name}" is not an asset name (lower-case letters, digits and _): not converted` });
    else seeds.set(name, file);
  }
  const { models: modelDocs, sources } = readYaml(files, project, seeds, report);
  const modelFiles = filesUnder(paths, project.modelPaths, ".sql");
  for (const file of filesUnder(paths, project.modelPaths, ".py")) report.push({ file, line: 1, message: "a Python model is not converted: write it as SQL, or as an ml cell" });
  const modelNames = new Set(modelFiles.map((file) => baseName(file, ".sql")));
  const names: TableNames = {
    ref: (name) => name,
    source: (source, table) => sources.get(`${source}.${table}`)?.readAs ?? `${source}.${table}`,
  };

  const models: Model[] = [];
  let converted = 0;
  for (const file of modelFiles) {
    const name = baseName(file, ".sql");
    const folders = folderOf(project, file);
    const folder = folderConfig(project, folders);
    if (!folder.enabled) {
      report.push({ file, line: 1, message: "disabled in dbt_project.yml: not converted" });
      continue;
    }
    if (!ASSET_NAME_PATTERN.test(name)) {
      report.push({ file, line: 1, message: `model "${name}" is not an asset name (lower-case letters, digits and _): not converted` });
      continue;
    }
    const reads = new Set<string>();
    let rendered: { sql: string; config: ModelConfig };
    try {
      rendered = renderDbt(files.texts.get(file) ?? "", {
        ref: (other) => {
          if (!modelNames.has(other) && !seeds.has(other)) throw new Error(`ref("${other}"): no model or seed of that name`);
          reads.add(other);
          return other;
        },
        source: (source, table) => {
          const read = names.source(source, table);
          if (!sources.has(`${source}.${table}`)) report.push({ file, line: 1, message: `source("${source}", "${table}") is not declared in a sources: file: read as ${read}` });
          reads.add(read);
          return read;
        },
        vars: project.vars,
        packages: project.packages,
        self: name,
      }, prelude);
    } catch (error) {
      report.push(reportOf(file, error));
      continue;
    }
    const config = { ...rendered.config, tags: [...folder.tags, ...rendered.config.tags] };
    const materialized = config.materialized ?? folder.materialized;
    if (materialized !== undefined) config.materialized = materialized;
    if (materialized === "incremental" && config.uniqueKey !== undefined) {
      if ((files.texts.get(file) ?? "").includes("is_incremental")) {
        report.push({ file, line: 1, message: "incremental: its is_incremental() filter is not converted: each run merges all the model's rows by unique_key (write the filter as -- incremental: <predicate>)" });
      }
    } else if (materialized === "ephemeral") {
      report.push({ file, line: 1, message: "materialized: ephemeral becomes a view (its SQL runs when it is read, as dbt's inlined CTE does)" });
    } else if (materialized !== undefined && materialized !== "table" && materialized !== "view") {
      const why = materialized === "incremental" ? "an incremental model without unique_key" : `materialized: ${materialized}`;
      report.push({ file, line: 1, message: `${why} is built as a table` });
    }
    // `+schema: staging` places the model in schema staging (dbt's default generate_schema_name would prefix the target's).
    const schema = config.schema ?? folder.schema;
    const schemaProblem = schema === undefined ? null : schemaNameProblem(schema.toLowerCase());
    if (schema !== undefined && schemaProblem !== null) report.push({ file, line: 1, message: `schema: ${schema} is not applied: ${schemaProblem}` });
    config.schema = schema === undefined || schemaProblem !== null ? undefined : schema.toLowerCase();
    if (config.alias !== undefined) report.push({ file, line: 1, message: `alias: ${config.alias} is not applied: the asset is named ${name}` });
    models.push({ name, file, folder: notebookSlug(project, folders), sql: rendered.sql, config, reads, checks: [], custom: [] });
    converted++;
  }

  const byName = new Map(models.map((model) => [model.name, model]));
  let tests = 0;
  let testsConverted = 0;
  for (const [name, doc] of modelDocs) {
    const model = byName.get(name);
    const entries: [unknown, string | null][] = [...doc.tests.map((test): [unknown, string | null] => [test, null]), ...doc.columns.flatMap((column) => column.tests.map((test): [unknown, string | null] => [test, column.name]))];
    for (const [entry, column] of entries) {
      tests++;
      if (model === undefined) {
        report.push({ file: doc.file, line: doc.line, message: `a test of "${name}", which was not converted` });
        continue;
      }
      const check = convertTest(entry, column, names);
      if (!check.ok) {
        report.push({ file: doc.file, line: doc.line, message: `${name}: ${check.reason}` });
        continue;
      }
      model.checks.push(check.check);
      testsConverted++;
    }
  }
  testsConverted -= dropCyclicChecks(models, modelDocs, report);
  const singular = singularTests(files, project, paths, prelude, byName, names, report);
  tests += singular.total;
  testsConverted += singular.converted;

  const notebooks = notebooksOf(models, modelDocs, seeds, docs, project, report);
  return {
    notebooks,
    seeds: [...seeds].map(([name, file]) => ({ from: file, to: `seeds/${name}.csv` })),
    report: report.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
    counts: { models: modelFiles.length, modelsConverted: converted, tests, testsConverted, seeds: seeds.size, sources: sources.size },
  };
}

function baseName(file: string, extension: string): string {
  return (file.split("/").pop() ?? file).slice(0, -extension.length);
}

/** The folders between the model path and the file (`models/marts/finance/x.sql` → [marts, finance]). */
function folderOf(project: DbtProject, file: string): string[] {
  const root = project.modelPaths.find((path) => file.startsWith(`${path.replace(/\/+$/, "")}/`)) ?? "";
  return file.slice(root.replace(/\/+$/, "").length + 1).split("/").slice(0, -1);
}

function notebookSlug(project: DbtProject, folders: readonly string[]): string {
  const raw = folders.length === 0 ? project.name : folders.join("-");
  const slug = raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return slug === "" || slug === SEEDS_NOTEBOOK ? `${slug || "models"}-models` : slug;
}

/** `{% docs name %}…{% enddocs %}` blocks, for `{{ doc("name") }}` in descriptions. */
function docBlocks(texts: readonly string[]): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const text of texts) {
    for (const match of text.matchAll(/\{%-?\s*docs\s+(\w+)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g)) blocks.set(match[1] ?? "", (match[2] ?? "").trim());
  }
  return blocks;
}

function lineOf(text: string, needle: RegExp): number {
  const index = text.search(needle);
  return index < 0 ? 1 : text.slice(0, index).split("\n").length;
}

function readYaml(files: DbtFiles, project: DbtProject, seeds: ReadonlyMap<string, string>, report: ReportLine[]): { models: Map<string, ModelDoc>; sources: Map<string, SourceTable> } {
  const models = new Map<string, ModelDoc>();
  const sources = new Map<string, SourceTable>();
  const ymlFiles = [...filesUnder(files.texts.keys(), project.modelPaths, ".yml"), ...filesUnder(files.texts.keys(), project.modelPaths, ".yaml")];
  for (const file of ymlFiles) {
    const text = files.texts.get(file) ?? "";
    let value: unknown;
    try {
      value = parse(text);
    } catch (error) {
      report.push({ file, line: 1, message: `cannot read the YAML: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (!isRecord(value)) continue;
    for (const model of Array.isArray(value.models) ? value.models : []) {
      if (!isRecord(model) || typeof model.name !== "string") continue;
      const columns = (Array.isArray(model.columns) ? model.columns : []).filter(isRecord).map((column) => ({
        name: String(column.name ?? ""),
        ...(typeof column.description === "string" ? { description: column.description } : {}),
        tests: [...arrayOf(column.tests), ...arrayOf(column.data_tests)],
      }));
      models.set(model.name, {
        file,
        line: lineOf(text, new RegExp(`name:\\s*['"]?${model.name}['"]?\\s*$`, "m")),
        ...(typeof model.description === "string" ? { description: model.description } : {}),
        columns,
        tests: [...arrayOf(model.tests), ...arrayOf(model.data_tests)],
      });
    }
    for (const source of Array.isArray(value.sources) ? value.sources : []) {
      if (!isRecord(source) || typeof source.name !== "string") continue;
      const schema = typeof source.schema === "string" ? source.schema : source.name;
      for (const table of Array.isArray(source.tables) ? source.tables : []) {
        if (!isRecord(table) || typeof table.name !== "string") continue;
        const identifier = typeof table.identifier === "string" ? table.identifier : table.name;
        // A source the project seeds itself (jaffle shop's raw tables) is read from the seed.
        sources.set(`${source.name}.${table.name}`, { table: table.name, readAs: seeds.has(identifier) ? identifier : `${schema}.${identifier}` });
      }
    }
    if (Array.isArray(value.unit_tests) && value.unit_tests.length > 0) {
      report.push({ file, line: lineOf(text, /^unit_tests:/m), message: `${value.unit_tests.length} unit test${value.unit_tests.length === 1 ? "" : "s"} not converted (given rows and expected rows have no equivalent yet)` });
    }
    for (const key of ["semantic_models", "metrics", "exposures", "snapshots"]) {
      if (Array.isArray(value[key]) && value[key].length > 0) report.push({ file, line: lineOf(text, new RegExp(`^${key}:`, "m")), message: `${key} are not converted` });
    }
  }
  return { models, sources };
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Singular tests (SQL files under the test paths that select failing rows): a custom check on the model they read first, as `this`. */
function singularTests(files: DbtFiles, project: DbtProject, paths: readonly string[], prelude: string, models: ReadonlyMap<string, Model>, names: TableNames, report: ReportLine[]): { total: number; converted: number } {
  let converted = 0;
  const testFiles = filesUnder(paths, project.testPaths, ".sql").filter((file) => !file.includes("/generic/"));
  for (const file of testFiles) {
    const text = files.texts.get(file) ?? "";
    const target = /ref\(\s*['"](\w+)['"]\s*\)/.exec(text)?.[1];
    const model = target === undefined ? undefined : models.get(target);
    if (model === undefined) {
      report.push({ file, line: 1, message: target === undefined ? "a singular test that reads no model: not converted" : `a singular test of "${target}", which was not converted` });
      continue;
    }
    try {
      const { sql } = renderDbt(text, { ref: (name) => (name === model.name ? "this" : names.ref(name)), source: names.source, vars: project.vars, packages: project.packages, self: model.name }, prelude);
      const name = baseName(file, ".sql").replace(/[^A-Za-z0-9_]/g, "_");
      model.custom.push({ name: /^[A-Za-z_]/.test(name) ? name : `t_${name}`, sql: withoutLineComments(sql) });
      converted++;
    } catch (error) {
      report.push(reportOf(file, error));
    }
  }
  return { total: testFiles.length, converted };
}

function withoutLineComments(sql: string): string {
  return sql
    .split("\n")
    .map((line) => line.replace(/--.*$/, "").trimEnd())
    .filter((line) => line.trim() !== "")
    .join("\n")
    .replace(/;\s*$/, "");
}

function notebooksOf(
  models: readonly Model[],
  docs: ReadonlyMap<string, ModelDoc>,
  seeds: ReadonlyMap<string, string>,
  docBlocksByName: ReadonlyMap<string, string>,
  project: DbtProject,
  report: ReportLine[],
): { slug: string; text: string }[] {
  const out: { slug: string; text: string }[] = [];
  if (seeds.size > 0) {
    const cells = [...seeds.keys()].map((name) => `\`\`\`extract ${name}\nsource: file\npath: seeds/${name}.csv\nwrite_disposition: replace\n\`\`\``);
    out.push({ slug: SEEDS_NOTEBOOK, text: `---\ntitle: Seeds\n---\n\nThe seeds of the dbt project ${project.name}, loaded from the data directory.\n\n${cells.join("\n\n")}\n` });
  }
  const folders = [...new Set(models.map((model) => model.folder))].sort();
  for (const folder of folders) {
    const own = ordered(models.filter((model) => model.folder === folder));
    const names = new Set(own.map((model) => model.name));
    const external = [...new Set(own.flatMap((model) => [...model.reads, ...checkTables(model)]))].filter((table) => !names.has(table)).sort();
    const frontMatter = [`title: ${yamlString(folder)}`, ...(external.length > 0 ? [`external: [${external.join(", ")}]`] : [])];
    const cells = own.map((model) => cellOf(model, docs.get(model.name), docBlocksByName));
    const text = `---\n${frontMatter.join("\n")}\n---\n\nModels of the dbt project ${project.name}${folder === notebookSlugOfRoot(project) ? "" : `, folder ${folder.replace(/-/g, "/")}`}.\n\n${cells.join("\n\n")}\n`;
    const formatted = formatNotebook(text, `${folder}.md`);
    if (formatted.ok) out.push({ slug: folder, text: formatted.text });
    else {
      for (const issue of formatted.issues) report.push({ file: `${folder}.md`, line: issue.line, message: `the converted notebook does not parse: ${issue.message}` });
      out.push({ slug: folder, text });
    }
  }
  return out;
}

function notebookSlugOfRoot(project: DbtProject): string {
  return notebookSlug(project, []);
}

/**
 * A check of M that reads a table built from M (orders' rows checked against order_items, which
 * reads orders) would make the graph a cycle: dbt runs tests after every model, Assetbook runs a
 * check before its asset is swapped in, so its tables come first. Such checks are reported and
 * left out. Returns how many.
 */
function dropCyclicChecks(models: readonly Model[], docs: ReadonlyMap<string, ModelDoc>, report: ReportLine[]): number {
  const byName = new Map(models.map((model) => [model.name, model]));
  const reads = (from: string, target: string, seen = new Set<string>()): boolean => {
    if (from === target) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return [...(byName.get(from)?.reads ?? [])].some((input) => reads(input, target, seen));
  };
  let dropped = 0;
  for (const model of models) {
    model.checks = model.checks.filter((check) => {
      const cyclic = checkTables({ ...model, checks: [check] }).find((table) => reads(table, model.name));
      if (cyclic === undefined) return true;
      const doc = docs.get(model.name);
      report.push({ file: doc?.file ?? model.file, line: doc?.line ?? 1, message: `${model.name}: ${check.text} is left out: ${cyclic} reads ${model.name}, and a check's tables are built before its asset` });
      dropped++;
      return false;
    });
  }
  return dropped;
}

/** Tables a model's checks read besides itself (relationships, equal_rowcount): inputs too. */
function checkTables(model: Model): string[] {
  return model.checks.flatMap((check) => {
    const relationship = /^relationships\(\w+, ([\w.]+)\.\w+\)$/.exec(check.text);
    const rowcount = /^equal_rowcount\(([\w.]+)\)$/.exec(check.text);
    return [relationship?.[1], rowcount?.[1]].filter((table): table is string => table !== undefined && table !== model.name);
  });
}

/** Models in an order where each comes after those of the notebook it reads. */
function ordered(models: readonly Model[]): Model[] {
  const byName = new Map(models.map((model) => [model.name, model]));
  const done = new Set<string>();
  const out: Model[] = [];
  const visit = (model: Model, path: Set<string>) => {
    if (done.has(model.name) || path.has(model.name)) return;
    path.add(model.name);
    for (const read of [...model.reads].sort()) {
      const other = byName.get(read);
      if (other) visit(other, path);
    }
    done.add(model.name);
    out.push(model);
  };
  for (const model of models) visit(model, new Set());
  return out;
}

function yamlString(text: string): string {
  return /^[A-Za-z][\w -]*$/.test(text) ? text : JSON.stringify(text);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function cellOf(model: Model, doc: ModelDoc | undefined, docBlocksByName: ReadonlyMap<string, string>): string {
  const describe = (text: string | undefined) => (text === undefined ? undefined : oneLine(text.replace(/\{\{\s*doc\(\s*['"](\w+)['"]\s*\)\s*\}\}/g, (_whole, name: string) => docBlocksByName.get(name) ?? name)));
  const header: string[] = [];
  const description = describe(doc?.description);
  if (description) header.push(`-- description: ${description}`);
  if (model.config.tags.length > 0) header.push(`-- tags: ${[...new Set(model.config.tags)].join(", ")}`);
  if (model.config.materialized === "incremental" && model.config.uniqueKey !== undefined) header.push("-- materialized: incremental", `-- unique_key: ${model.config.uniqueKey}`);
  if (model.config.materialized === "view" || model.config.materialized === "ephemeral") header.push("-- materialized: view");
  if (model.config.schema !== undefined) header.push(`-- schema: ${model.config.schema}`);
  for (const check of model.checks) header.push(`-- ${check.severity === "warn" ? "warn" : "checks"}: ${check.text}`);
  for (const custom of model.custom) {
    const [first, ...rest] = custom.sql.split("\n");
    header.push(`-- check ${custom.name}: ${first?.trim() ?? ""}`, ...rest.map((line) => `--   ${line.trim()}`));
  }
  const columns = (doc?.columns ?? []).flatMap((column) => {
    const text = describe(column.description);
    return text ? [`- \`${column.name}\`: ${text}`] : [];
  });
  const prose = columns.length > 0 ? `**${model.name}** (from \`${model.file}\`):\n\n${columns.join("\n")}\n\n` : `**${model.name}** (from \`${model.file}\`).\n\n`;
  return `${prose}\`\`\`sql ${model.name}\n${[...header, model.sql].join("\n")}\n\`\`\``;
}
