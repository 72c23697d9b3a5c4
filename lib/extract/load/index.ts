export { loadExtract } from "./load-extract";
export { ExtractLoader, ExtractLoadError } from "./loader";
export type { ExtractLoadOptions, ExtractLoadResult, StagedBy, TablePartition, WriteDisposition } from "./load-options";
export { schemaStateKey, readAssetState, type AssetState, type LoadedTable } from "./asset-state";
export {
  readCursor,
  startingCursor,
  cursorStateKey,
  cursorValueAt,
  compareCursors,
  laterCursor,
  CursorFormatError,
  type CursorValue,
  type CursorFormat,
  type StartingCursorOptions,
} from "./incremental";
export { STAGE_PREFIX, NEW_ROWS_PREFIX, dropLeftoverStaging, stageTableFor, stagingSuffix, type StagingScope } from "./staging";
export { uniformWriteBatchOf, writeBatchOf, WRITE_BATCH_ROWS } from "./write-batches";
export { isUnreadableJson, releaseRaw, unreadableJsonReason } from "./raw-release";
