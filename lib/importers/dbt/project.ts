// A dbt project as the importer reads it: its files (relative path → text), the settings of
// dbt_project.yml it uses, and each model's folder config (materialized, schema, tags).
import { parse, YAMLParseError } from "yaml";
import { z } from "zod";
import { isRecord } from "../../guards";

export interface DbtFiles {
  /** Relative path with `/` → text, for every file but the seeds' data. */
  texts: ReadonlyMap<string, string>;
  /** Relative paths of the seed files (CSV), whose data the importer copies, not reads. */
  seeds: readonly string[];
}

/** Something the importer could not convert, or converted differently, at its place. */
export interface ReportLine {
  file: string;
  line: number;
  message: string;
}

const pathList = z.array(z.string()).optional();
const projectSchema = z.looseObject({
  name: z.string().min(1),
  "model-paths": pathList,
  "seed-paths": pathList,
  "test-paths": pathList,
  "macro-paths": pathList,
  // dbt before 1.0 named these, and dbt 1.x still reads them.
  "source-paths": pathList,
  "data-paths": pathList,
  vars: z.record(z.string(), z.unknown()).optional(),
  models: z.record(z.string(), z.unknown()).optional(),
});

export interface DbtProject {
  name: string;
  modelPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  macroPaths: string[];
  vars: Record<string, unknown>;
  /** The `models:` tree of dbt_project.yml, under the project's own name. */
  modelConfig: Record<string, unknown>;
  /** Packages the project depends on (packages.yml / dependencies.yml), by the name their macros use. */
  packages: string[];
}

export class DbtProjectError extends Error {}

export function readProject(files: DbtFiles): DbtProject {
  const text = files.texts.get("dbt_project.yml");
  if (text === undefined) throw new DbtProjectError("dbt_project.yml not found: PATH must be a dbt project's folder");
  const parsed = projectSchema.safeParse(yamlOf("dbt_project.yml", text));
  if (!parsed.success) throw new DbtProjectError(`dbt_project.yml: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  const project = parsed.data;
  const models = project.models ?? {};
  const own = models[project.name];
  return {
    name: project.name,
    modelPaths: project["model-paths"] ?? project["source-paths"] ?? ["models"],
    seedPaths: project["seed-paths"] ?? project["data-paths"] ?? ["seeds"],
    testPaths: project["test-paths"] ?? ["tests"],
    macroPaths: project["macro-paths"] ?? ["macros"],
    vars: project.vars ?? {},
    modelConfig: isRecord(own) ? own : {},
    packages: packagesOf(files),
  };
}

/** A project file's YAML, or an error naming the file and the line (and nothing imported). */
function yamlOf(file: string, text: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    const line = error instanceof YAMLParseError ? (error.linePos?.[0]?.line ?? 1) : 1;
    throw new DbtProjectError(`${file}:${line}: cannot read the YAML: ${error instanceof Error ? (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "") : String(error)}`);
  }
}

function packagesOf(files: DbtFiles): string[] {
  const names: string[] = [];
  for (const file of ["packages.yml", "dependencies.yml"]) {
    const text = files.texts.get(file);
    if (text === undefined) continue;
    const value = yamlOf(file, text);
    const list = isRecord(value) && Array.isArray(value.packages) ? value.packages : [];
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const source = typeof entry.package === "string" ? entry.package : typeof entry.git === "string" ? entry.git : "";
      // `dbt-labs/dbt_utils` and `https://github.com/dbt-labs/dbt-audit-helper.git` are used as dbt_utils, audit_helper.
      const last = source.replace(/\.git$/, "").split("/").pop() ?? "";
      if (last !== "") names.push(last.replace(/^dbt[-_]/, "").replace(/-/g, "_"), last.replace(/-/g, "_"));
    }
  }
  return [...new Set(names)];
}

export interface FolderConfig {
  materialized?: string;
  schema?: string;
  tags: string[];
  enabled: boolean;
}

/** The config dbt_project.yml gives a model at `folders` (its path under the model path), the deepest setting winning. */
export function folderConfig(project: DbtProject, folders: readonly string[]): FolderConfig {
  const config: FolderConfig = { tags: [], enabled: true };
  let level: Record<string, unknown> | undefined = project.modelConfig;
  for (let depth = 0; level !== undefined; depth++) {
    for (const [rawKey, value] of Object.entries(level)) {
      const key = rawKey.replace(/^\+/, "");
      if (key === "materialized" && typeof value === "string") config.materialized = value;
      if (key === "schema" && typeof value === "string") config.schema = value;
      if (key === "enabled" && typeof value === "boolean") config.enabled = value;
      if (key === "tags") config.tags.push(...(typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === "string") : []));
    }
    const folder = folders[depth];
    const next: unknown = folder === undefined ? undefined : level[folder];
    level = isRecord(next) ? next : undefined;
  }
  return config;
}

/** Files under any of `roots` ending with `extension`, sorted. */
export function filesUnder(paths: Iterable<string>, roots: readonly string[], extension: string): string[] {
  const prefixes = roots.map((root) => `${root.replace(/\/+$/, "")}/`);
  return [...paths].filter((file) => file.endsWith(extension) && prefixes.some((prefix) => file.startsWith(prefix))).sort();
}
