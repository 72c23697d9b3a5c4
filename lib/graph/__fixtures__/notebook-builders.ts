// Builds Notebook objects for graph tests without going through the notebook parser.
import type { AssetCell, ChartCell, ExtractCell, MlCell, Notebook, SqlCell } from "../../notebook/types";

interface Common {
  line: number;
  deps?: string[];
}

function base(name: string, body: string, common: Common) {
  return { type: "asset" as const, name, infoRest: "", body, line: common.line, bodyLine: common.line + 1, deps: common.deps ?? [], checks: [] };
}

export function sqlCell(name: string, sql: string, common: Common & { external?: string[] }): SqlCell {
  const config = { sql, ...(common.external ? { external: common.external } : {}) };
  return { ...base(name, sql, common), kind: "sql", config };
}

export function mlCell(name: string, from: string, common: Common & { predictOn?: string }): MlCell {
  const config = { from, target: "y", features: ["x"], model: "linear" as const, ...(common.predictOn ? { predict_on: common.predictOn } : {}) };
  return { ...base(name, `from: ${from}`, common), kind: "ml", config };
}

export function chartCell(name: string, from: string, common: Common): ChartCell {
  return { ...base(name, `from: ${from}`, common), kind: "chart", config: { from, mark: "line" } };
}

export function extractCell(name: string, common: Common): ExtractCell {
  return { ...base(name, "source: file", common), kind: "extract", config: { source: "file" } };
}

export function notebook(cells: AssetCell[], external?: string[]): Notebook {
  return { file: "notebooks/test.md", frontMatter: external ? { external } : {}, frontMatterText: "", cells };
}
