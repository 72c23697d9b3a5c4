// Schema part of a data diff: columns added, removed and retyped (names match case-insensitively).
import type { DiffColumn, SchemaDiff } from "./types";

function byName(columns: readonly DiffColumn[]): Map<string, DiffColumn> {
  return new Map(columns.map((column) => [column.name.toLowerCase(), column]));
}

export function schemaDiff(production: readonly DiffColumn[], env: readonly DiffColumn[]): SchemaDiff {
  const before = byName(production);
  const after = byName(env);
  return {
    added: env.filter((column) => !before.has(column.name.toLowerCase())).map((column) => column.name),
    removed: production.filter((column) => !after.has(column.name.toLowerCase())).map((column) => column.name),
    retyped: production.flatMap((column) => {
      const other = after.get(column.name.toLowerCase());
      return other && other.type.toUpperCase() !== column.type.toUpperCase() ? [{ name: column.name, production: column.type, env: other.type }] : [];
    }),
  };
}

/** Columns present on both sides, in production's order, with whether they compare as text (retyped). */
export function commonColumns(production: readonly DiffColumn[], env: readonly DiffColumn[]): { name: string; envName: string; asText: boolean; float: boolean }[] {
  const after = byName(env);
  return production.flatMap((column) => {
    const other = after.get(column.name.toLowerCase());
    if (!other) return [];
    const asText = other.type.toUpperCase() !== column.type.toUpperCase();
    return [{ name: column.name, envName: other.name, asText, float: !asText && isFloating(column.type) }];
  });
}

/** Inexact numeric types, as DuckDB and PostgreSQL spell them. */
function isFloating(type: string): boolean {
  return /^(DOUBLE|DOUBLE PRECISION|FLOAT|FLOAT4|FLOAT8|REAL)$/i.test(type.trim());
}
