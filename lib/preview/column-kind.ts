// What a column's backend type means for display: how to bin it, how to chart it.

export type ColumnKind = "numeric" | "temporal" | "boolean" | "text" | "complex";

const NUMERIC = new Set([
  "TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
  "UBIGINT", "UHUGEINT", "FLOAT", "REAL", "DOUBLE", "DOUBLE PRECISION", "INT2", "INT4", "INT8",
  "FLOAT4", "FLOAT8", "NUMERIC", "DECIMAL",
]);

/** Classifies a backend type name (DuckDB or PostgreSQL spelling, any case). */
export function columnKind(type: string): ColumnKind {
  const upper = type.trim().toUpperCase();
  if (upper.endsWith("[]") || /^(LIST|STRUCT|MAP|UNION|ARRAY)\b/.test(upper)) return "complex";
  const base = upper.replace(/\(.*$/, "").trim();
  if (NUMERIC.has(base)) return "numeric";
  if (base === "DATE" || base.startsWith("TIMESTAMP")) return "temporal";
  if (base === "BOOLEAN" || base === "BOOL") return "boolean";
  return "text";
}

/** A value from a warehouse row as a finite number, or null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}
