// Converted dbt models as notebooks: one per model folder (and one of the seeds), each model a
// SQL cell in an order where it follows what it reads, its description, tags, config and
// checks in its header, its columns' descriptions in the prose above it.
import { formatNotebook } from "../../notebook";
import type { DbtProject, ReportLine } from "./project";
import type { ModelConfig } from "./render";
import type { ModelDoc } from "./schema-yaml";
import type { ConvertedCheck } from "./tests";

export interface Model {
  name: string;
  file: string;
  folder: string;
  sql: string;
  config: ModelConfig;
  reads: Set<string>;
  checks: ConvertedCheck[];
  custom: { name: string; sql: string; warn: boolean }[];
}

const SEEDS_NOTEBOOK = "seeds";

/** The folders between the model path and the file (`models/marts/finance/x.sql` → [marts, finance]). */
export function folderOf(project: DbtProject, file: string): string[] {
  const root = project.modelPaths.find((path) => file.startsWith(`${path.replace(/\/+$/, "")}/`)) ?? "";
  return file.slice(root.replace(/\/+$/, "").length + 1).split("/").slice(0, -1);
}

export function notebookSlug(project: DbtProject, folders: readonly string[]): string {
  const raw = folders.length === 0 ? project.name : folders.join("-");
  const slug = raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return slug === "" || slug === SEEDS_NOTEBOOK ? `${slug || "models"}-models` : slug;
}

export function notebooksOf(
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

/** Tables a model's checks read besides itself (relationships, equal_rowcount): inputs too. */
export function checkTables(model: Model): string[] {
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
    header.push(`-- ${custom.warn ? "warn check" : "check"} ${custom.name}: ${first?.trim() ?? ""}`, ...rest.map((line) => `--   ${line.trim()}`));
  }
  const columns = (doc?.columns ?? []).flatMap((column) => {
    const text = describe(column.description);
    return text ? [`- \`${column.name}\`: ${text}`] : [];
  });
  const prose = columns.length > 0 ? `**${model.name}** (from \`${model.file}\`):\n\n${columns.join("\n")}\n\n` : `**${model.name}** (from \`${model.file}\`).\n\n`;
  return `${prose}\`\`\`sql ${model.name}\n${[...header, model.sql].join("\n")}\n\`\`\``;
}
