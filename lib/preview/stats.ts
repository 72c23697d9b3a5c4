// Turns the rows of columnStatsQuery and histogramQuery into what a column header shows.
import { formatNumber } from "./format";
import type { Column, Row } from "../warehouse/types";
import { columnKind, toNumber } from "./column-kind";
import { statsAliases } from "./sql";

export interface ColumnStats {
  name: string;
  /** Share of NULLs in [0, 1]; 0 for an empty table. */
  nullShare: number;
  distinct: number;
  min: string | null;
  max: string | null;
}

export interface Bin {
  lo: number;
  hi: number;
  count: number;
}

export type Histogram =
  | { shape: "bins"; temporal: boolean; bins: Bin[] }
  | { shape: "top"; values: { value: string; count: number }[] }
  | { shape: "none" };

/** Min and max arrive as text (any type); a numeric one is shown without float noise. */
function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const raw = typeof value === "string" ? value : String(value);
  const number = Number(raw);
  const digits = raw.trim().replace(/^-/, "").replace(".", "").replace(/^0+/, "").length;
  const noisy = /^-?\d+\.\d+$/.test(raw.trim()) && digits > 12;
  return noisy && Number.isFinite(number) ? formatNumber(number) : raw;
}

/** Reads the single row of `columnStatsQuery(table, columns)`. */
export function parseColumnStats(row: Row | undefined, columns: readonly Column[]): ColumnStats[] {
  const total = toNumber(row?.total) ?? 0;
  return columns.map((column, index) => {
    const alias = statsAliases(index);
    const nulls = toNumber(row?.[alias.nulls]) ?? 0;
    return {
      name: column.name,
      nullShare: total > 0 ? nulls / total : 0,
      // approx_count_distinct may overshoot ("≈520 distinct" on 500 rows): never more than the non-null values.
      distinct: Math.min(toNumber(row?.[alias.distinct]) ?? 0, Math.max(0, total - nulls)),
      min: text(row?.[alias.min]),
      max: text(row?.[alias.max]),
    };
  });
}

/** Reads the rows of `histogramQuery(table, column, type, bins)`, filling empty bins with 0. */
export function parseHistogram(rows: readonly Row[], type: string, binCount: number): Histogram {
  const kind = columnKind(type);
  switch (kind) {
    case "complex":
      return { shape: "none" };
    case "boolean":
    case "text":
      return {
        shape: "top",
        values: rows.map((row) => ({ value: text(row.value) ?? "", count: toNumber(row.n) ?? 0 })),
      };
    case "numeric":
    case "temporal": {
      const first = rows[0];
      const lo = toNumber(first?.lo);
      const hi = toNumber(first?.hi);
      if (lo === null || hi === null) return { shape: "bins", temporal: kind === "temporal", bins: [] };
      const width = (hi - lo) / binCount;
      const counts = new Array<number>(hi === lo ? 1 : binCount).fill(0);
      for (const row of rows) {
        const bin = toNumber(row.bin);
        const n = toNumber(row.n);
        if (bin !== null && n !== null && bin >= 0 && bin < counts.length) counts[bin] = n;
      }
      const bins = counts.map((count, i) => ({
        lo: lo + width * i,
        hi: counts.length === 1 ? hi : lo + width * (i + 1),
        count,
      }));
      return { shape: "bins", temporal: kind === "temporal", bins };
    }
  }
}

/** "12.3%", "<0.1%", "0%". */
export function formatShare(share: number): string {
  if (share <= 0) return "0%";
  if (share < 0.001) return "<0.1%";
  const pct = share * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** 1234567 -> "1.2M", 12345 -> "12.3k", 999 -> "999". */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
