// `assetbook import dbt`: a dbt project as notebooks. Models become SQL cells (one notebook
// per model folder) with `ref`, `source`, `var`, `config` and the project's macros rendered;
// schema tests and singular tests become checks; seeds become file extracts; sources read
// by a seed's name become that seed, the others externals; descriptions are carried over.
// Pure: files in, notebook texts and a report out (bin/import-command.ts does the I/O).
import { ASSET_NAME_PATTERN, schemaNameProblem } from "../../notebook/values";
import { filesUnder, folderConfig, readProject, type DbtFiles, type DbtProject, type ReportLine } from "./project";
import { macroLibrary, renderDbt, reportOf, type MacroLibrary, type ModelConfig } from "./render";
import { convertTest, type TableNames } from "./tests";
import { docBlocks, readYaml, type ModelDoc } from "./schema-yaml";
import { checkTables, folderOf, notebooksOf, notebookSlug, type Model } from "./notebooks";

export interface ImportResult {
  notebooks: { slug: string; text: string }[];
  /** Seed files to copy into the data directory: the project's path → the path the extract cells read (under the data directory). */
  seeds: { from: string; to: string }[];
  report: ReportLine[];
  counts: { models: number; modelsConverted: number; tests: number; testsConverted: number; seeds: number; sources: number };
}

export function convertDbtProject(files: DbtFiles): ImportResult {
  const project = readProject(files);
  const report: ReportLine[] = [];
  const paths = [...files.texts.keys()];
  const docs = docBlocks(filesUnder(paths, project.modelPaths, ".md").map((file) => files.texts.get(file) ?? ""));
  const library = macroLibrary(filesUnder(paths, project.macroPaths, ".sql").map((file) => ({ file, text: files.texts.get(file) ?? "" })));
  report.push(...library.report);

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
  const pythonModels = new Set(filesUnder(paths, project.modelPaths, ".py").map((file) => baseName(file, ".py")));
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
          if (pythonModels.has(other)) throw new Error(`ref("${other}"): a Python model, which is not converted`);
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
      }, library);
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
  // A model that reads one left out is still converted (its own SQL is fine), but would fail
  // to run: said at the ref.
  for (const model of models) {
    for (const read of model.reads) {
      if (byName.has(read) || seeds.has(read) || !(modelNames.has(read) || pythonModels.has(read))) continue;
      const text = files.texts.get(model.file) ?? "";
      const at = new RegExp(`ref\\(\\s*['"]${read}['"]`).exec(text)?.index ?? 0;
      report.push({ file: model.file, line: text.slice(0, at).split("\n").length, message: `reads ${read}, which was not converted: declared external, it fails to run until ${read} is converted or loaded` });
    }
  }
  let tests = 0;
  let testsConverted = 0;
  for (const [name, doc] of modelDocs) {
    const model = byName.get(name);
    const entries: [unknown, string | null][] = [...doc.tests.map((test): [unknown, string | null] => [test, null]), ...doc.columns.flatMap((column) => column.tests.map((test): [unknown, string | null] => [test, column.name]))];
    if (model === undefined) {
      tests += entries.length;
      // One line for the model, not one per test (its own line says why the model was not converted).
      if (entries.length > 0) report.push({ file: doc.file, line: doc.line, message: `${entries.length === 1 ? "a test" : `${entries.length} tests`} of "${name}", not converted: the model itself was not` });
      continue;
    }
    for (const [entry, column] of entries) {
      tests++;
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
  const singular = singularTests(files, project, paths, library, byName, names, report);
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

/** Singular tests (SQL files under the test paths that select failing rows): a custom check on the model they read first, as `this`. */
function singularTests(files: DbtFiles, project: DbtProject, paths: readonly string[], library: MacroLibrary, models: ReadonlyMap<string, Model>, names: TableNames, report: ReportLine[]): { total: number; converted: number } {
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
      const { sql, config } = renderDbt(text, { ref: (name) => (name === model.name ? "this" : names.ref(name)), source: names.source, vars: project.vars, packages: project.packages, self: model.name }, library);
      const name = baseName(file, ".sql").replace(/[^A-Za-z0-9_]/g, "_");
      model.custom.push({ name: /^[A-Za-z_]/.test(name) ? name : `t_${name}`, sql: withoutLineComments(sql), warn: config.severity === "warn" });
      converted++;
    } catch (error) {
      report.push(reportOf(file, error));
    }
  }
  return { total: testFiles.length, converted };
}

/** SQL without its `--` comments (not inside quotes), blank lines or a last `;`. */
function withoutLineComments(sql: string): string {
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] ?? "";
    if (quote === null && c === "-" && sql[i + 1] === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
      out += sql[i] ?? "";
      continue;
    }
    // A doubled quote inside quotes closes and reopens: the same text either way.
    if (quote === null && (c === "'" || c === '"')) quote = c;
    else if (c === quote) quote = null;
    out += c;
  }
  return out
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .join("\n")
    .replace(/;\s*$/, "");
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

