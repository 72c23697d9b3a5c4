// Partitions: time windows (hourly, daily, weekly, monthly from a start date, in a time
// zone) or a static list of keys, declared in the front matter (`partitions:`), or several
// named dimensions of those (keys `2024-01-17|eu`). A run of one partition sees
// `{{ partition.key }}`, `{{ partition.start }}`, `{{ partition.end }}` (and each dimension's
// key by its name) typed for each cell kind (values.ts), and replaces exactly its
// rows: the table carries a `_partition` column and the swap deletes and inserts that key only.
import type { AssetCell, DimensionDef, FrontMatter, PartitionsDef, TimePartitionsDef } from "../notebook/types";
import { quoteLiteral } from "../warehouse/types";
import { substituteExtract, substituteNotebookText, substituteValues } from "./values";

export type { PartitionsDef } from "../notebook/types";

export const PARTITION_COLUMN = "_partition";

/** Between the dimensions' keys in a partition key (no key contains it). */
export const KEY_SEPARATOR = "|";

export interface PartitionWindow {
  key: string;
  /** UTC instants; null for static partitions. */
  start: Date | null;
  end: Date | null;
  /** The definition's time zone (`{{ partition.start | date }}` is a date there); default UTC. */
  timezone?: string;
  /** With named dimensions: each one's key (`{ date: "2024-01-17", region: "eu" }`). */
  dimensions?: Record<string, string>;
}

/** What a run plans with: `{{ partition.* }}` is not SQL, so planning sees neutral values. */
export const NEUTRAL_WINDOW: PartitionWindow = { key: "", start: new Date(0), end: new Date(0), timezone: "UTC" };

/** The neutral window of a definition: with its dimensions' names, so `{{ partition.region }}` plans,
 * and without a start or end when no dimension is a time window (a static partition has none). */
export function neutralWindow(def: PartitionsDef | null): PartitionWindow {
  if (def === null) return NEUTRAL_WINDOW;
  switch (def.type) {
    case "static":
      return { ...NEUTRAL_WINDOW, start: null, end: null };
    case "dimensions": {
      const timed = def.dimensions.some((d) => d.def.type !== "static");
      return { ...NEUTRAL_WINDOW, ...(timed ? {} : { start: null, end: null }), dimensions: Object.fromEntries(def.dimensions.map((d) => [d.name, ""])) };
    }
    case "hourly":
    case "daily":
    case "weekly":
    case "monthly":
      return NEUTRAL_WINDOW;
    default: {
      const unreachable: never = def;
      throw new Error(`unknown partitions ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The notebook's partitions (parsed and validated with the rest of its front matter), or null. */
export function notebookPartitions(front: FrontMatter): PartitionsDef | null {
  return front.partitions ?? null;
}

/** Wall-clock fields of `instant` in `timeZone`. */
function wall(instant: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? "0");
  return { y: get("year"), m: get("month"), d: get("day"), h: get("hour"), min: get("minute") };
}

/** The UTC instant of a wall-clock time in `timeZone` (the earlier one in an overlap). */
function zoned(y: number, m: number, d: number, h: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, h);
  let t = guess;
  for (let i = 0; i < 3; i++) {
    const w = wall(new Date(t), timeZone);
    const diff = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min) - guess;
    if (diff === 0) break;
    t -= diff;
  }
  return new Date(t);
}

const pad = (n: number) => String(n).padStart(2, "0");

function keyOf(def: TimePartitionsDef, y: number, m: number, d: number, h: number): string {
  switch (def.type) {
    case "hourly":
      return `${y}-${pad(m)}-${pad(d)}T${pad(h)}:00`;
    case "daily":
    case "weekly":
      return `${y}-${pad(m)}-${pad(d)}`;
    case "monthly":
      return `${y}-${pad(m)}`;
    default: {
      const unreachable: never = def.type;
      throw new Error(`unknown partition type ${String(unreachable)}`);
    }
  }
}

function step(def: TimePartitionsDef, y: number, m: number, d: number, h: number): [number, number, number, number] {
  const next = new Date(Date.UTC(y, m - 1, d, h));
  switch (def.type) {
    case "hourly":
      next.setUTCHours(next.getUTCHours() + 1);
      break;
    case "daily":
      next.setUTCDate(next.getUTCDate() + 1);
      break;
    case "weekly":
      next.setUTCDate(next.getUTCDate() + 7);
      break;
    case "monthly":
      next.setUTCMonth(next.getUTCMonth() + 1);
      break;
    default: {
      const unreachable: never = def.type;
      throw new Error(`unknown partition type ${String(unreachable)}`);
    }
  }
  return [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), next.getUTCHours()];
}

/** Partitions whose window starts before `until` (all of them for static lists), in order. */
export function partitionWindows(def: PartitionsDef, until: Date, limit = 100_000): PartitionWindow[] {
  if (def.type !== "dimensions") return dimensionWindows(def, until, limit);
  // every combination, the first dimension outermost
  let combos: PartitionWindow[][] = [[]];
  for (const { def: dimension } of def.dimensions) {
    const windows = dimensionWindows(dimension, until, limit);
    combos = combos.flatMap((combo) => windows.map((w) => [...combo, w])).slice(0, limit);
  }
  return combos.map((combo) => combine(def, combo));
}

function combine(def: Extract<PartitionsDef, { type: "dimensions" }>, parts: PartitionWindow[]): PartitionWindow {
  const time = parts.find((w) => w.start !== null);
  return {
    key: parts.map((w) => w.key).join(KEY_SEPARATOR),
    start: time?.start ?? null,
    end: time?.end ?? null,
    ...(time?.timezone === undefined ? {} : { timezone: time.timezone }),
    dimensions: Object.fromEntries(def.dimensions.map((d, i) => [d.name, parts[i]?.key ?? ""])),
  };
}

function dimensionWindows(def: DimensionDef, until: Date, limit: number): PartitionWindow[] {
  if (def.type === "static") return def.keys.map((key) => ({ key, start: null, end: null }));
  let cur = startWall(def);
  const out: PartitionWindow[] = [];
  while (out.length < limit) {
    const start = zoned(...cur, def.timezone);
    if (start.getTime() >= until.getTime()) break;
    const next = step(def, ...cur);
    out.push({ key: keyOf(def, ...cur), start, end: zoned(...next, def.timezone), timezone: def.timezone });
    cur = next;
  }
  return out;
}

/** The window of `key`, or null when the definition has no such partition. */
export function partitionWindow(def: PartitionsDef, key: string): PartitionWindow | null {
  if (def.type !== "dimensions") return dimensionWindow(def, key);
  const keys = key.split(KEY_SEPARATOR);
  if (keys.length !== def.dimensions.length) return null;
  const parts: PartitionWindow[] = [];
  for (const [i, { def: dimension }] of def.dimensions.entries()) {
    const found = dimensionWindow(dimension, keys[i] ?? "");
    if (found === null) return null;
    parts.push(found);
  }
  return combine(def, parts);
}

function dimensionWindow(def: DimensionDef, key: string): PartitionWindow | null {
  if (def.type === "static") return def.keys.includes(key) ? { key, start: null, end: null } : null;
  // Straight from the key (hourly partitions over years are tens of thousands of windows):
  // the key's wall-clock start, aligned on the definition's own start, round-tripped.
  const probe = keyToWall(def, key);
  const first = startWall(def);
  if (probe === null) return null;
  const at = Date.UTC(probe[0], probe[1] - 1, def.type === "monthly" ? first[2] : probe[2], def.type === "hourly" ? probe[3] : first[3]);
  const normal = new Date(at); // 2024-03-32 normalizes to April 1st, and then its key differs
  const cur: [number, number, number, number] = [normal.getUTCFullYear(), normal.getUTCMonth() + 1, normal.getUTCDate(), normal.getUTCHours()];
  const from = Date.UTC(first[0], first[1] - 1, first[2], first[3]);
  if (at < from || keyOf(def, ...cur) !== key) return null;
  if (def.type === "weekly" && (at - from) % (7 * 86_400_000) !== 0) return null;
  return { key, start: zoned(...cur, def.timezone), end: zoned(...step(def, ...cur), def.timezone), timezone: def.timezone };
}

function startWall(def: TimePartitionsDef): [number, number, number, number] {
  const [datePart, timePart] = def.start.split("T");
  const [y0, m0, d0] = (datePart ?? "").split("-").map(Number);
  return [y0 ?? 1970, m0 ?? 1, d0 ?? 1, Number((timePart ?? "00").slice(0, 2))];
}

function keyToWall(def: TimePartitionsDef, key: string): [number, number, number, number] | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:T(\d{2}):00)?$/.exec(key);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? "1"), Number(m[4] ?? "0")];
}

/** The notebook's text with its SQL cells' placeholders as SQL literals (problems left as they are). */
export function substitutePartition(text: string, window: PartitionWindow): string {
  return substituteNotebookText(text, "", window).text;
}

/**
 * The cell as it runs for one partition (or none): SQL gets its literals and its rows are
 * tagged with `_partition`; an extract's string values get theirs as plain text. Throws an
 * error naming the cell (and the field) when a value cannot be given.
 */
export function applyPartition(cell: AssetCell, window: PartitionWindow | null): AssetCell {
  switch (cell.kind) {
    case "sql": {
      if (window === null) return cell;
      const done = substituteValues(cell.config.sql, window, "sql");
      if (done.problems.length > 0) throw new Error(done.problems.map((p) => `cell "${cell.name}": ${p.message}`).join("\n"));
      const sql = done.text.replace(/;\s*$/, "");
      return { ...cell, config: { ...cell.config, sql: `SELECT *, ${quoteLiteral(window.key)} AS ${PARTITION_COLUMN} FROM (\n${sql}\n) AS _partition_rows` } };
    }
    case "extract":
      return substituteExtract(cell, window);
    case "ml":
    case "chart":
      return cell;
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unreachable)}`);
    }
  }
}
