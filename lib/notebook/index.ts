// The notebook file format: parse, validate, serialize. See docs/notebook-format.md.
import type { AssetCell, Notebook } from "./types";

export * from "./types";
export { parseNotebook } from "./parse";
export { serializeNotebook, formatNotebook, type FormatResult } from "./serialize";
export { parseCheckList, CHECK_NAMES, type CheckListResult, type CheckListError } from "./check-list";
export { extractConfigSchema, paginatorSchema, authSchema, incrementalSchema, PAGINATOR_TYPES, AUTH_TYPES, type ExtractSpec } from "./schemas/extract";
export { mlConfigSchema, mlParamsSchema, ML_MODELS, type MlSpec } from "./schemas/ml";
export { chartConfigSchema, CHART_MARKS, type ChartSpec } from "./schemas/chart";
export { frontMatterSchema } from "./schemas/front-matter";
export { SQL_HEADER_KEYS } from "./sql-cell";
export { runKeysOf, scheduleSchema, REFRESH_POLICIES, RUN_KEY_NAMES, type RunKeys, type RefreshPolicy } from "./schemas/run-keys";
export { isAssetName, parseDuration, ASSET_NAME_PATTERN, SECRET_PATTERN } from "./values";
export { closestName } from "./suggest";
export { MAX_NOTEBOOK_BYTES, MAX_YAML_BYTES, MAX_YAML_ALIASES, formatSize } from "./limits";
export { freshnessPolicyOf } from "./freshness";
export { freshnessSchema } from "./schemas/common";

/** The asset cells of a notebook, in file order. */
export function assetCells(nb: Notebook): AssetCell[] {
  return nb.cells.filter((cell): cell is AssetCell => cell.type === "asset");
}

/** The asset cell named `name`, if any. */
export function findAssetCell(nb: Notebook, name: string): AssetCell | undefined {
  return assetCells(nb).find((cell) => cell.name === name);
}
