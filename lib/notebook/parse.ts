// parseNotebook: text -> Notebook, collecting every problem with its place.
import type { AssetCell, Cell, FrontMatter, Notebook, NotebookIssue, ParseResult } from "./types";
import { scanNotebook, type FenceBlock, type LocatedIssue } from "./scan";
import { nulIssues, sizeIssue } from "./limits";
import { hasSqlStatement, parseSqlHeader } from "./sql-cell";
import { fieldName, parseYamlCell } from "./yaml-cell";
import { parseYamlAt } from "./yaml-source";
import { describeIssues } from "./zod-issues";
import { chartConfigSchema } from "./schemas/chart";
import { extractConfigSchema } from "./schemas/extract";
import { frontMatterSchema } from "./schemas/front-matter";
import { mlConfigSchema } from "./schemas/ml";

/**
 * Parse a notebook. Pure. On problems, `issues` lists all of them in file order, and
 * `notebook` holds what could be read (asset cells whose fence or config is invalid are left out).
 */
export function parseNotebook(text: string, file: string): ParseResult {
  // Too large to parse quickly: nothing else is read (a reader must not stall on one file).
  const tooLarge = sizeIssue(text);
  if (tooLarge) return { ok: false, issues: [{ file, ...tooLarge }] };
  const scan = scanNotebook(text);
  const issues: LocatedIssue[] = [...nulIssues(text), ...scan.issues];
  const frontMatterText = scan.frontMatter?.text ?? "";
  const frontMatter = parseFrontMatter(frontMatterText, scan.frontMatter?.line ?? 1, issues);

  const cells: Cell[] = [];
  const firstLineOf = new Map<string, number>();
  for (const block of scan.blocks) {
    if (block.type === "prose") {
      cells.push({ type: "prose", text: block.text, line: block.line });
      continue;
    }
    const earlier = firstLineOf.get(block.name);
    if (earlier !== undefined) {
      issues.push({ line: block.line, column: 1, cell: block.name, message: `duplicate asset name "${block.name}" (first defined at line ${earlier})` });
    } else {
      firstLineOf.set(block.name, block.line);
    }
    const cell = buildAssetCell(block, issues);
    if (cell && block.sound) cells.push(cell);
    // A partition run replaces its partition's rows; a view has none of its own to replace.
    if (cell?.kind === "sql" && cell.config.materialized === "view" && frontMatter.partitions !== undefined) {
      issues.push({ line: block.line, column: 1, cell: block.name, field: "materialized", message: "a view cannot be in a partitioned notebook (each partition run replaces its rows): make it a table, or move it to a notebook without partitions" });
    }
  }

  const notebook: Notebook = { file, frontMatter, frontMatterText, cells };
  if (issues.length === 0) return { ok: true, notebook };
  const sorted = issues
    .map((issue): NotebookIssue => ({ file, ...issue }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, issues: sorted, notebook };
}

function parseFrontMatter(text: string, firstLine: number, issues: LocatedIssue[]): FrontMatter {
  if (text.trim() === "") return {};
  const source = parseYamlAt(text, firstLine);
  for (const problem of source.problems) issues.push({ line: problem.line, column: problem.column, field: "front matter", message: `YAML: ${problem.message}` });
  if (source.problems.length > 0 || source.value === undefined || source.value === null) return {};
  const parsed = frontMatterSchema.safeParse(source.value);
  if (parsed.success) return parsed.data;
  for (const problem of describeIssues(frontMatterSchema, source.value, parsed.error.issues)) {
    issues.push({ ...source.locate(problem.path), field: fieldName(problem.path) ?? "front matter", message: problem.message });
  }
  return {};
}

function buildAssetCell(block: FenceBlock, issues: LocatedIssue[]): AssetCell | undefined {
  const base = { type: "asset" as const, name: block.name, infoRest: block.infoRest, body: block.body, line: block.line, bodyLine: block.bodyLine };
  switch (block.kind) {
    case "sql": {
      const header = parseSqlHeader(block.body, block.bodyLine, block.name, issues);
      if (!hasSqlStatement(block.body)) issues.push({ line: block.line, column: 1, cell: block.name, field: "sql", message: "the cell has no SQL statement" });
      const config = {
        sql: block.body,
        ...(header.description !== undefined ? { description: header.description } : {}),
        ...(header.external !== undefined ? { external: header.external } : {}),
        ...(header.contract !== undefined ? { contract: header.contract } : {}),
        ...(header.materialized !== undefined ? { materialized: header.materialized } : {}),
        ...(header.uniqueKey !== undefined ? { uniqueKey: header.uniqueKey } : {}),
        ...(header.incremental !== undefined ? { incremental: header.incremental } : {}),
        ...(header.freshness !== undefined ? { freshness: header.freshness } : {}),
        ...(header.schema !== undefined ? { schema: header.schema } : {}),
        ...(header.schedule !== undefined ? { schedule: header.schedule } : {}),
        ...(header.refresh !== undefined ? { refresh: header.refresh } : {}),
        ...(header.tags !== undefined ? { tags: header.tags } : {}),
        ...(header.concurrency !== undefined ? { concurrency: header.concurrency } : {}),
        ...(header.retries !== undefined ? { retries: header.retries } : {}),
        ...(header.timeout !== undefined ? { timeout: header.timeout } : {}),
      };
      return { ...base, kind: "sql", config, deps: header.deps, checks: header.checks };
    }
    case "extract": {
      const { config, deps, checks } = parseYamlCell(extractConfigSchema, block, issues);
      return config && { ...base, kind: "extract", config, deps, checks };
    }
    case "ml": {
      const { config, deps, checks } = parseYamlCell(mlConfigSchema, block, issues);
      return config && { ...base, kind: "ml", config, deps, checks };
    }
    case "chart": {
      const { config, deps, checks } = parseYamlCell(chartConfigSchema, block, issues);
      return config && { ...base, kind: "chart", config, deps, checks };
    }
    default: {
      const unreachable: never = block.kind;
      throw new Error(`unknown cell kind ${String(unreachable)}`);
    }
  }
}
