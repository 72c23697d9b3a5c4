// Builders for cells in tests and benchmarks, so they need no notebook text.
import type { Check, ChartCell, SqlCell } from "../notebook/types";

export function sqlCell(name: string, sql: string, checks: Check[] = [], deps: string[] = []): SqlCell {
  return { type: "asset", kind: "sql", name, infoRest: "", body: sql, line: 1, bodyLine: 2, config: { sql }, deps, checks };
}

export function chartCell(name: string, from: string, x: string, y: string): ChartCell {
  const config = { from, mark: "line", x, y };
  return { type: "asset", kind: "chart", name, infoRest: "", body: "", line: 1, bodyLine: 2, config, deps: [], checks: [] };
}
