// Partitions: time windows (hourly, daily, weekly, monthly from a start date, in a time
// zone) or a static list of keys, declared in the front matter (`partitions:`). A run of one
// partition sees `{{ partition.key }}`, `{{ partition.start }}` and `{{ partition.end }}` in
// its SQL as typed literals (VARCHAR, and TIMESTAMP in UTC), and replaces exactly its rows:
// the table carries a `_partition` column and the swap deletes and inserts that key only.
import { z } from "zod";
import type { AssetCell, FrontMatter } from "../notebook/types";
import { quoteLiteral } from "../warehouse/types";

export const PARTITION_COLUMN = "_partition";

const timeSchema = z.strictObject({
  type: z.enum(["hourly", "daily", "weekly", "monthly"]),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, "start is YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
  timezone: z.string().default("UTC"),
});
const staticSchema = z.strictObject({ type: z.literal("static"), keys: z.array(z.string().regex(/^[A-Za-z0-9_.:-]+$/)).min(1) });
export const partitionsSchema = z.discriminatedUnion("type", [timeSchema, staticSchema]);
export type PartitionsDef = z.infer<typeof partitionsSchema>;

export interface PartitionWindow {
  key: string;
  /** UTC instants; null for static partitions. */
  start: Date | null;
  end: Date | null;
}

export function notebookPartitions(front: FrontMatter): PartitionsDef | null {
  const value = front.partitions;
  return value === undefined ? null : partitionsSchema.parse(value);
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

function keyOf(def: z.infer<typeof timeSchema>, y: number, m: number, d: number, h: number): string {
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

function step(def: z.infer<typeof timeSchema>, y: number, m: number, d: number, h: number): [number, number, number, number] {
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
  if (def.type === "static") return def.keys.map((key) => ({ key, start: null, end: null }));
  const [datePart, timePart] = def.start.split("T");
  const [y0, m0, d0] = (datePart ?? "").split("-").map(Number);
  let cur: [number, number, number, number] = [y0 ?? 1970, m0 ?? 1, d0 ?? 1, Number((timePart ?? "00").slice(0, 2))];
  const out: PartitionWindow[] = [];
  while (out.length < limit) {
    const start = zoned(...cur, def.timezone);
    if (start.getTime() >= until.getTime()) break;
    const next = step(def, ...cur);
    out.push({ key: keyOf(def, ...cur), start, end: zoned(...next, def.timezone) });
    cur = next;
  }
  return out;
}

/** The window of `key`, or null when the definition has no such partition. */
export function partitionWindow(def: PartitionsDef, key: string): PartitionWindow | null {
  if (def.type === "static") return def.keys.includes(key) ? { key, start: null, end: null } : null;
  const probe = keyToWall(def, key);
  if (probe === null) return null;
  const found = partitionWindows(def, new Date(zoned(...probe, def.timezone).getTime() + 1)).at(-1);
  return found?.key === key ? found : null;
}

function keyToWall(def: z.infer<typeof timeSchema>, key: string): [number, number, number, number] | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:T(\d{2}):00)?$/.exec(key);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? "1"), Number(m[4] ?? "0")];
}

function timestampLiteral(d: Date): string {
  return `TIMESTAMP ${quoteLiteral(d.toISOString().replace("T", " ").replace("Z", ""))}`;
}

/** `{{ partition.key|start|end }}` as SQL literals. */
export function substitutePartition(text: string, window: PartitionWindow): string {
  return text.replace(/\{\{\s*partition\.(key|start|end)\s*\}\}/g, (_m, field: string) => {
    if (field === "key") return quoteLiteral(window.key);
    const value = field === "start" ? window.start : window.end;
    return value === null ? "NULL" : timestampLiteral(value);
  });
}

/** The cell as it runs for one partition: values substituted, rows tagged with `_partition`. */
export function applyPartition(cell: AssetCell, window: PartitionWindow): AssetCell {
  if (cell.kind !== "sql") return cell;
  const sql = substitutePartition(cell.config.sql, window).replace(/;\s*$/, "");
  return { ...cell, config: { ...cell.config, sql: `SELECT *, ${quoteLiteral(window.key)} AS ${PARTITION_COLUMN} FROM (\n${sql}\n) AS _partition_rows` } };
}
