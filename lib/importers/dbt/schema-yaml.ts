// A dbt project's YAML beside its models: models' descriptions and tests, sources, and the
// `{% docs %}` blocks descriptions name; what the importer does not convert is reported.
import { parse } from "yaml";
import { isRecord } from "../../guards";
import { filesUnder, type DbtFiles, type DbtProject, type ReportLine } from "./project";

export interface ModelDoc {
  file: string;
  line: number;
  description?: string;
  columns: { name: string; description?: string; tests: unknown[] }[];
  tests: unknown[];
}

export interface SourceTable {
  table: string;
  /** What the notebooks read: a seed's name, or `schema.identifier`. */
  readAs: string;
}

/** `{% docs name %}…{% enddocs %}` blocks, for `{{ doc("name") }}` in descriptions. */
export function docBlocks(texts: readonly string[]): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const text of texts) {
    for (const match of text.matchAll(/\{%-?\s*docs\s+(\w+)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g)) blocks.set(match[1] ?? "", (match[2] ?? "").trim());
  }
  return blocks;
}

export function lineOf(text: string, needle: RegExp): number {
  const index = text.search(needle);
  return index < 0 ? 1 : text.slice(0, index).split("\n").length;
}

export function readYaml(files: DbtFiles, project: DbtProject, seeds: ReadonlyMap<string, string>, report: ReportLine[]): { models: Map<string, ModelDoc>; sources: Map<string, SourceTable> } {
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
