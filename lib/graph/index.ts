// Public surface of lib/graph. Adapters that pull in a DuckDB runtime (sql-refs-node,
// sql-refs-wasm) are imported from their own modules so the browser bundle never loads the Node one.
export { buildGraph, type BuildGraphResult } from "./build-graph";
export { describeCycle, findCycles, type Cycle } from "./cycles";
export { lineage, type LineageJson } from "./lineage";
export { assetProducers, duplicateProducerIssues, producedElsewhere, producedElsewhereIssues, type AssetProducer } from "./producers";
export {
  downstreamOf,
  parseSelection,
  selectionTerms,
  planRun,
  selectCells,
  SelectionError,
  skipAfterFailure,
  SELECTOR_METHODS,
  type Selector,
  type SelectableAsset,
  type SelectableOf,
} from "./plan";
export { selectableAssets, selectableOf } from "./selectable";
export { ML_OUTPUT_SUFFIXES, producerOfTable, TableResolver, tableRefFromText, type Resolution } from "./resolve";
export {
  lineAndColumnAt,
  qualifiedName,
  qualifiedNames,
  SqlParseError,
  unqualifiedNames,
  type SqlReferenceParser,
  type TableRef,
} from "./sql-refs";
export { AssetGraph, graphFromEdges, type GraphEdge, type GraphNode, type GraphNodeInput } from "./topology";
