// The partition's values in a cell: `{{ partition.<field> }}` or `{{ partition.<field> | <format> }}`.
// Each cell kind gets them typed its own way: SQL cells as SQL literals (VARCHAR, TIMESTAMP in
// UTC, DATE, integer), an extract's string values as plain text (the key, ISO 8601 UTC,
// YYYY-MM-DD, epoch seconds). A placeholder that is not one of these is an error naming its place.
import { scanNotebook, splitLines } from "../notebook/scan";
import { didYouMean } from "../notebook/suggest";
import type { ExtractCell, NotebookIssue } from "../notebook/types";
import { quoteLiteral } from "../warehouse/types";
import type { PartitionWindow } from "./windows";

export const PARTITION_FIELDS = ["key", "start", "end"] as const;
export const PARTITION_FORMATS = ["iso", "date", "epoch"] as const;
type Field = (typeof PARTITION_FIELDS)[number];
type Format = (typeof PARTITION_FORMATS)[number];
/** `sql`: a typed SQL literal; `text`: the plain value, as an extract sends it. */
export type ValueTarget = "sql" | "text";

/** Anything that starts like a placeholder; its inside is then read strictly. */
const CANDIDATE = /\{\{\s*partition\b([^{}]*)\}\}/g;
const INSIDE = /^\.([A-Za-z_]\w*)\s*(?:\|\s*([A-Za-z_]\w*)\s*)?$/;

const isField = (word: string): word is Field => PARTITION_FIELDS.some((f) => f === word);
const isFormat = (word: string): word is Format => PARTITION_FORMATS.some((f) => f === word);

export interface ValueProblem {
  /** Offset of the placeholder in the substituted text. */
  offset: number;
  message: string;
}

export function hasPlaceholder(text: string): boolean {
  return new RegExp(CANDIDATE.source).test(text);
}

/**
 * `text` with every placeholder replaced by its value for `target`. A problem leaves the
 * placeholder as it was, or puts `instead` in its place (so SQL still parses for other checks).
 */
export function substituteValues(text: string, window: PartitionWindow, target: ValueTarget, instead?: string): { text: string; problems: ValueProblem[] } {
  const problems: ValueProblem[] = [];
  const out = text.replace(CANDIDATE, (whole: string, inside: string, offset: number) => {
    const value = valueOf(whole, inside, window, target);
    if ("problem" in value) {
      problems.push({ offset, message: value.problem });
      return instead ?? whole;
    }
    return value.text;
  });
  return { text: out, problems };
}

function valueOf(whole: string, inside: string, window: PartitionWindow, target: ValueTarget): { text: string } | { problem: string } {
  const match = INSIDE.exec(inside.trim());
  const field = match?.[1];
  if (match === null || field === undefined) return { problem: `${whole} is not a partition value: write {{ partition.<field> }} or {{ partition.<field> | <format> }}` };
  const dimensions = Object.keys(window.dimensions ?? {});
  if (!isField(field) && !dimensions.includes(field)) {
    const names = [...PARTITION_FIELDS, ...dimensions];
    return { problem: `unknown partition value ${whole}${didYouMean(field, names)}: use ${orList(names.map((n) => `partition.${n}`))}` };
  }
  const format = match[2];
  if (format !== undefined && !isFormat(format)) return { problem: `unknown format "${format}" in ${whole}${didYouMean(format, PARTITION_FORMATS)}: use iso, date or epoch` };
  if (!isField(field) || field === "key") {
    // the key, or one dimension's key
    if (format !== undefined) return { problem: `${whole}: partition.${field} takes no format` };
    const key = isField(field) ? window.key : (window.dimensions?.[field] ?? "");
    return { text: target === "sql" ? quoteLiteral(key) : key };
  }
  const instant = field === "start" ? window.start : window.end;
  if (instant === null) {
    if (target === "sql") return { text: "NULL" };
    return { problem: `${whole}: a static partition has no ${field}, only a key ({{ partition.key }})` };
  }
  return { text: formatInstant(instant, format ?? null, window.timezone ?? "UTC", target) };
}

const orList = (items: string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1) ?? ""}`);

function formatInstant(instant: Date, format: Format | null, timeZone: string, target: ValueTarget): string {
  const iso = instant.toISOString().replace(/\.\d{3}Z$/, "Z");
  switch (format) {
    case null:
      return target === "sql" ? `TIMESTAMP ${quoteLiteral(iso.replace("T", " ").replace("Z", ""))}` : iso;
    case "iso":
      return target === "sql" ? quoteLiteral(iso) : iso;
    case "date": {
      const day = localDate(instant, timeZone);
      return target === "sql" ? `DATE ${quoteLiteral(day)}` : day;
    }
    case "epoch":
      return String(Math.floor(instant.getTime() / 1000));
    default: {
      const unreachable: never = format;
      throw new Error(`unknown format ${String(unreachable)}`);
    }
  }
}

/** YYYY-MM-DD of `instant` on the wall clock of `timeZone`. */
function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/**
 * The notebook's text with its SQL cells' placeholders replaced by SQL literals (planning uses
 * a neutral window, so the SQL parses). Extract cells keep theirs (see substituteExtract), but
 * a placeholder that starts a YAML value unquoted is reported: YAML would read it as a mapping.
 * Placeholders in ml and chart cells are reported; prose and front matter are left alone.
 */
export function substituteNotebookText(text: string, file: string, window: PartitionWindow): { text: string; issues: NotebookIssue[] } {
  const lines = splitLines(text);
  const issues: NotebookIssue[] = [];
  for (const block of scanNotebook(text).blocks) {
    if (block.type !== "fence") continue;
    const count = block.body === "" ? 0 : block.body.split("\n").length;
    for (let i = block.bodyLine - 1; i < block.bodyLine - 1 + count; i++) {
      const line = lines[i] ?? "";
      if (!hasPlaceholder(line)) continue;
      const at = (offset: number, message: string) => issues.push({ file, line: i + 1, column: offset + 1, cell: block.name, message });
      switch (block.kind) {
        case "sql": {
          const done = substituteValues(line, window, "sql", "NULL");
          lines[i] = done.text;
          for (const p of done.problems) at(p.offset, p.message);
          break;
        }
        case "extract":
          for (const offset of unquotedValueStarts(line)) at(offset, `quote a YAML value that starts with {{, as in "{{ partition.start }}"`);
          // Left in place (a run substitutes them into the parsed values), but checked now, as a run would.
          for (const p of substituteValues(line, window, "text").problems) at(p.offset, p.message);
          break;
        case "ml":
        case "chart":
          at(line.search(CANDIDATE), "partition values are substituted in sql and extract cells only");
          break;
        default: {
          const unreachable: never = block.kind;
          throw new Error(`unknown cell kind ${String(unreachable)}`);
        }
      }
    }
  }
  return { text: `${lines.join("\n")}\n`, issues };
}

/** Offsets of placeholders that begin a YAML value without quotes (after `key:`, `- `, `[`, `{`, `,` or alone). */
function unquotedValueStarts(line: string): number[] {
  const offsets: number[] = [];
  for (const m of line.matchAll(CANDIDATE)) {
    const before = line.slice(0, m.index).trimEnd();
    if (before === "" || /[:\-[{,]$/.test(before)) offsets.push(m.index);
  }
  return offsets;
}

/**
 * The extract cell with its string values' placeholders replaced by plain text (every string
 * value: base_url, path, params, headers, …). Throws an error naming the cell and the field
 * when one cannot be (no partition in this run, a static partition's start, a typo).
 */
export function substituteExtract(cell: ExtractCell, window: PartitionWindow | null): ExtractCell {
  const errors: string[] = [];
  const visit = (value: unknown, field: string): unknown => {
    if (typeof value === "string") {
      if (!hasPlaceholder(value)) return value;
      if (window === null) {
        errors.push(`${field}: ${value.match(CANDIDATE)?.[0] ?? value} needs a partition, and this run has none`);
        return value;
      }
      const done = substituteValues(value, window, "text");
      for (const p of done.problems) errors.push(`${field}: ${p.message}`);
      return done.text;
    }
    if (Array.isArray(value)) return value.map((item, i) => visit(item, `${field}[${i}]`));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, field === "" ? key : `${field}.${key}`)]));
    }
    return value;
  };
  const config = { ...cell.config };
  for (const [key, value] of Object.entries(cell.config)) config[key] = visit(value, key);
  if (errors.length > 0) throw new Error(errors.map((e) => `cell "${cell.name}": ${e}`).join("\n"));
  return { ...cell, config };
}
