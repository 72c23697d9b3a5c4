// Extract, ML and chart cells: the body is a YAML mapping validated by the kind's schema.
import { z } from "zod";
import type { Check, Severity } from "./types";
import { parseCheckList } from "./check-list";
import type { LocatedIssue } from "./scan";
import { describeIssues } from "./zod-issues";
import { parseYamlAt, type YamlSource } from "./yaml-source";
import { isRecord } from "../guards";

interface CellKeys {
  deps?: string | string[];
  checks?: unknown;
  warn?: unknown;
}

export type ConfigOf<T> = Omit<T, keyof CellKeys>;

export interface YamlCellResult<T> {
  /** The validated config without `deps`, `checks` and `warn`; undefined when invalid. */
  config?: ConfigOf<T>;
  deps: string[];
  checks: Check[];
}

export interface YamlCellInput {
  kind: string;
  name: string;
  body: string;
  line: number;
  bodyLine: number;
}

export function parseYamlCell<T extends CellKeys>(schema: z.ZodType<T>, input: YamlCellInput, issues: LocatedIssue[]): YamlCellResult<T> {
  const { kind, body, bodyLine, line: fenceLine, name: cell } = input;
  const empty: YamlCellResult<T> = { deps: [], checks: [] };
  const source = parseYamlAt(body, bodyLine);
  for (const problem of source.problems) issues.push({ line: problem.line, column: problem.column, cell, message: `YAML: ${problem.message}` });
  if (source.problems.length > 0) return empty;
  if (!isRecord(source.value)) {
    issues.push({ line: fenceLine, column: 1, cell, message: `a ${kind} cell's body must be a YAML mapping of keys` });
    return empty;
  }
  const parsed = schema.safeParse(source.value);
  if (!parsed.success) {
    for (const problem of describeIssues(schema, source.value, parsed.error.issues)) {
      // A missing top-level key (or a whole-cell problem) has no line of its own: point at the fence.
      const topLevelKey = problem.path.length === 1 && String(problem.path[0]) in source.value;
      const position = problem.path.length > 1 || topLevelKey ? source.locate(problem.path) : { line: fenceLine, column: 1 };
      issues.push({ ...position, cell, field: fieldName(problem.path), message: problem.message });
    }
    return { ...empty, checks: cellChecks(source, source.value, cell, issues) };
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- split off: they become the cell's deps and checks
  const { deps, checks, warn, ...config } = parsed.data;
  return {
    config,
    deps: depsList(deps),
    checks: cellChecks(source, source.value, cell, issues),
  };
}

function depsList(deps: string | string[] | undefined): string[] {
  if (deps === undefined) return [];
  return typeof deps === "string" ? [deps] : deps;
}

/** `paginator.type`, `features[0]`. */
export function fieldName(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  return path.reduce<string>((name, segment) => (typeof segment === "number" ? `${name}[${segment}]` : name === "" ? String(segment) : `${name}.${String(segment)}`), "");
}

/** Checks from `checks:` (errors) and `warn:` (warnings): check-list strings or `check <name>: <sql>` items. */
function cellChecks(source: YamlSource, value: Record<string, unknown>, cell: string, issues: LocatedIssue[]): Check[] {
  const checks: Check[] = [];
  for (const key of ["checks", "warn"] as const) {
    const severity: Severity = key === "warn" ? "warn" : "error";
    const raw = value[key];
    const items = Array.isArray(raw) ? raw.map((item, i) => ({ item, path: [key, i] })) : raw === undefined ? [] : [{ item: raw, path: [key] }];
    for (const { item, path } of items) {
      if (typeof item === "string") {
        const parsed = parseCheckList(item, severity);
        const line = source.locate(path).line;
        checks.push(
          ...parsed.checks.map((check, i): Check => {
            if (check.type === "expression_is_true") return { ...check, line };
            if (check.type === "call") return { ...check, ...source.locateInScalar(path, parsed.offsets[i] ?? 0) };
            return check;
          }),
        );
        for (const error of parsed.errors) issues.push({ ...source.locateInScalar(path, error.offset), cell, field: key, message: error.message });
      } else if (isRecord(item)) {
        for (const [label, sql] of Object.entries(item)) {
          const named = /^check\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(label);
          if (named && typeof sql === "string") checks.push({ type: "sql", name: named[1] ?? "", sql: sql.trim(), severity, line: source.locate(path).line });
          else issues.push({ ...source.locate(path), cell, field: key, message: `expected a check like not_null(col) or "check <name>: <sql>", got "${label}"` });
        }
      }
    }
  }
  return checks;
}
