// SQL cells: the body is SQL; its leading `-- key: value` comments are the cell's header.
import { SQL_CONTRACT_LEVELS, type Check, type Severity, type SqlCell, type SqlRunPolicy } from "./types";
import { freshnessSchema, MAX_TIMEOUT_SECONDS, type FreshnessPolicy } from "./schemas/common";
import { parse as parseYaml } from "yaml";
import { parseCheckList } from "./check-list";
import { didYouMean } from "./suggest";
import type { LocatedIssue } from "./scan";
import { splitTopLevel } from "./split";
import { cronError, isTimeZone, REFRESH_POLICIES, RUN_KEY_NAMES, TAG_PATTERN, type RunKeys } from "./schemas/run-keys";
import { ASSET_NAME_RULE, isAssetName, parseColumnName, parseDuration, schemaNameProblem, TABLE_NAME_PATTERN } from "./values";

export const SQL_HEADER_KEYS = ["checks", "warn", "deps", "description", "external", "contract", "freshness", "materialized", "unique_key", "incremental", "schema", "retries", "timeout", ...RUN_KEY_NAMES] as const;

/** The cell's header: its checks and deps, and the config keys it sets (the cell's own types). */
export interface SqlHeader extends RunKeys, SqlRunPolicy, Pick<SqlCell["config"], "description" | "external" | "contract" | "materialized" | "uniqueKey" | "incremental" | "freshness" | "schema"> {
  checks: Check[];
  deps: string[];
}

interface HeaderLine {
  text: string;
  line: number;
  /** 1-based column of `text[0]` in the file line. */
  column: number;
  /** Spaces between `--` and the text: two or more continue the custom check above. */
  indent: number;
}

/** `-- check <name>: <sql>` or `-- warn check <name>: <sql>`: a custom check returning failing rows. */
const CUSTOM_CHECK = /^(warn\s+)?check\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(\S[\s\S]*)$/;
const HEADER_ENTRY = /^([a-z_]+)\s*:\s*([\s\S]*)$/;

export function parseSqlHeader(body: string, bodyLine: number, cell: string, issues: LocatedIssue[]): SqlHeader {
  const header: SqlHeader = { checks: [], deps: [] };
  const customNames = new Set<string>();
  /** Where the materialization keys were written, for the issues that relate them. */
  const placed = new Map<string, { line: number; column: number; cell: string; field: string }>();
  // A custom check continues on the comment lines below it that are indented after `--`.
  let continued: Extract<Check, { type: "sql" }> | undefined;
  for (const entry of headerLines(body, bodyLine)) {
    if (continued && entry.indent >= 2 && entry.text !== "") {
      continued.sql = `${continued.sql}\n${entry.text}`;
      continue;
    }
    continued = undefined;
    const custom = CUSTOM_CHECK.exec(entry.text);
    if (custom) {
      const name = custom[2] ?? "";
      const severity: Severity = custom[1] ? "warn" : "error";
      if (customNames.has(name)) {
        issues.push({ line: entry.line, column: entry.column, cell, field: "checks", message: `check "${name}" is defined twice` });
      }
      customNames.add(name);
      continued = { type: "sql", name, sql: (custom[3] ?? "").trim(), severity, line: entry.line };
      header.checks.push(continued);
      continue;
    }
    const keyed = HEADER_ENTRY.exec(entry.text);
    if (!keyed) continue;
    const key = keyed[1] ?? "";
    const value = keyed[2] ?? "";
    const valueColumn = entry.column + entry.text.length - value.length;
    const at = (offset: number) => ({ line: entry.line, column: valueColumn + offset, cell, field: key });
    switch (key) {
      case "checks":
      case "warn": {
        const parsed = parseCheckList(value, key === "warn" ? "warn" : "error");
        header.checks.push(
          ...parsed.checks.map((check, i): Check => {
            if (check.type === "expression_is_true") return { ...check, line: entry.line };
            if (check.type === "call") return { ...check, line: entry.line, column: valueColumn + (parsed.offsets[i] ?? 0) };
            return check;
          }),
        );
        for (const error of parsed.errors) issues.push({ ...at(error.offset), message: error.message });
        break;
      }
      case "deps":
        for (const piece of splitTopLevel(value).filter((p) => p.text !== "")) {
          if (isAssetName(piece.text)) header.deps.push(piece.text);
          else issues.push({ ...at(piece.offset), message: `bad asset name "${piece.text}": ${ASSET_NAME_RULE}` });
        }
        break;
      case "external":
        for (const piece of splitTopLevel(value).filter((p) => p.text !== "")) {
          if (TABLE_NAME_PATTERN.test(piece.text)) (header.external ??= []).push(piece.text);
          else issues.push({ ...at(piece.offset), message: `bad table name "${piece.text}"` });
        }
        break;
      case "schema": {
        const problem = schemaNameProblem(value.trim());
        if (problem !== null) issues.push({ ...at(0), message: problem });
        else header.schema = value.trim();
        break;
      }
      case "contract": {
        const level = SQL_CONTRACT_LEVELS.find((candidate) => candidate === value.trim());
        if (level === undefined) issues.push({ ...at(0), message: `contract is ${SQL_CONTRACT_LEVELS.join(" or ")}, got "${value.trim()}"` });
        else header.contract = level;
        break;
      }
      case "freshness": {
        const policy = parseFreshness(value);
        if (typeof policy === "string") issues.push({ ...at(0), message: policy });
        else header.freshness = policy;
        break;
      }
      case "materialized": {
        placed.set(key, at(0));
        const kind = value.trim();
        if (kind === "table" || kind === "incremental" || kind === "view") header.materialized = kind;
        else if (kind === "ephemeral") issues.push({ ...at(0), message: "materialized: ephemeral is not supported: use view (its SQL runs when it is read, nothing is stored)" });
        else issues.push({ ...at(0), message: `materialized is table, view or incremental, got "${kind}"` });
        break;
      }
      case "unique_key":
        placed.set(key, at(0));
        for (const piece of splitTopLevel(value).filter((p) => p.text !== "")) {
          const column = parseColumnName(piece.text);
          if (column === undefined) issues.push({ ...at(piece.offset), message: `expected a column name, got "${piece.text}"` });
          else (header.uniqueKey ??= []).push(column);
        }
        break;
      case "incremental":
        placed.set(key, at(0));
        // A predicate over the cell's output; several lines are joined with AND.
        header.incremental = header.incremental === undefined ? value.trim() : `(${header.incremental}) AND (${value.trim()})`;
        break;
      case "description":
        header.description = header.description === undefined ? value.trim() : `${header.description} ${value.trim()}`;
        break;
      case "schedule": {
        // `-- schedule: <5 cron fields> [<IANA time zone>]`
        const fields = value.trim().split(/\s+/).filter((f) => f !== "");
        if (fields.length !== 5 && fields.length !== 6) {
          issues.push({ ...at(0), message: "a schedule is 5 cron fields (minute hour day month weekday), optionally followed by a time zone" });
          break;
        }
        const timezone = fields[5];
        const cronProblem = cronError(fields.slice(0, 5).join(" "));
        if (cronProblem !== null) {
          issues.push({ ...at(0), message: `invalid cron "${fields.slice(0, 5).join(" ")}": ${cronProblem}` });
          break;
        }
        if (timezone !== undefined && !isTimeZone(timezone)) {
          issues.push({ ...at(value.lastIndexOf(timezone)), message: `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Paris)` });
          break;
        }
        header.schedule = { cron: fields.slice(0, 5).join(" "), ...(timezone === undefined ? {} : { timezone }) };
        break;
      }
      case "refresh": {
        const policy = REFRESH_POLICIES.find((p) => p === value.trim());
        if (policy === undefined) issues.push({ ...at(0), message: `"${value.trim()}" is not one of ${REFRESH_POLICIES.join(", ")}` });
        else header.refresh = policy;
        break;
      }
      case "tags":
        for (const piece of splitTopLevel(value).filter((p) => p.text !== "")) {
          if (TAG_PATTERN.test(piece.text)) (header.tags ??= []).push(piece.text);
          else issues.push({ ...at(piece.offset), message: `bad tag "${piece.text}": letters, digits, _ . : -` });
        }
        break;
      case "concurrency": {
        const n = Number(value.trim());
        if (!Number.isInteger(n) || n < 1) issues.push({ ...at(0), message: `concurrency is a whole number ≥ 1, got "${value.trim()}"` });
        else header.concurrency = n;
        break;
      }
      case "retries": {
        const n = Number(value.trim());
        if (!/^\d+$/.test(value.trim()) || n > 100) issues.push({ ...at(0), message: `retries is a whole number of retries from 0 to 100, got "${value.trim()}"` });
        else header.retries = { max_attempts: n + 1 };
        break;
      }
      case "timeout": {
        const seconds = parseDuration(value);
        if (seconds === undefined || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
          issues.push({ ...at(0), message: `timeout is a duration like 30s, 15m or 2h (at most ${MAX_TIMEOUT_SECONDS} s), got "${value.trim()}"` });
        } else header.timeout = seconds;
        break;
      }
      default: {
        // Ordinary comments (`-- note: …`) are fine; a near-miss of a header key is a typo.
        const hint = didYouMean(key, SQL_HEADER_KEYS);
        if (hint) issues.push({ line: entry.line, column: entry.column, cell, message: `unknown header key "${key}"${hint}` });
      }
    }
  }
  // An incremental cell merges by its key; the key and the predicate mean nothing elsewhere.
  const incrementalAt = placed.get("materialized");
  if (header.materialized === "incremental" && header.uniqueKey === undefined && incrementalAt) {
    issues.push({ ...incrementalAt, message: "an incremental cell needs -- unique_key: the columns its new rows replace old ones by" });
  }
  for (const key of ["unique_key", "incremental"] as const) {
    const where = placed.get(key);
    if (where && header.materialized !== "incremental") issues.push({ ...where, message: `${key} is for -- materialized: incremental` });
  }
  return header;
}

/**
 * `-- freshness: 6h` (a max_lag) or `-- freshness: { max_lag: 1h, cron: "0 9 * * *", timezone: Europe/Paris }`:
 * the policy, or why it is not one.
 */
function parseFreshness(value: string): FreshnessPolicy | string {
  let written: unknown;
  try {
    written = parseYaml(value);
  } catch (error) {
    return `expected a lag (6h) or { max_lag: 1h, cron: "0 9 * * *", timezone: … }: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
  const parsed = freshnessSchema.safeParse(typeof written === "string" || typeof written === "number" ? { max_lag: written } : written);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`).join("; ");
}

/** The leading comment lines (blank lines allowed between them), without their `--`. */
function headerLines(body: string, bodyLine: number): HeaderLine[] {
  const result: HeaderLine[] = [];
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    const comment = /^(\s*--)(\s*)(.*?)\s*$/.exec(line);
    if (!comment) break;
    const prefix = `${comment[1] ?? ""}${comment[2] ?? ""}`;
    result.push({ text: comment[3] ?? "", line: bodyLine + i, column: prefix.length + 1, indent: (comment[2] ?? "").length });
  }
  return result;
}

/** True when the body holds something besides comments and blank lines. */
export function hasSqlStatement(body: string): boolean {
  return body
    .split("\n")
    .some((line) => line.trim() !== "" && !line.trim().startsWith("--"));
}
