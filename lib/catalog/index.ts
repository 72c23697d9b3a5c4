// The metadata store (workspaces, notebooks, assets, runs, secrets, share links)
// through Prisma, on embedded PGlite or PostgreSQL. See prisma/schema.prisma.
export { openCatalogStore, type CatalogDb, type CatalogStore, type CatalogStoreKind, type CatalogTarget, type OpenCatalogOptions } from "./store";
export { MigrationError, type MigrateResult } from "./migrator";
export { importNotebookVersion, latestNotebookVersion, textHash, type ImportNotebookInput, type ImportedVersion } from "./notebooks";
export { upsertAsset, listAssets, findAsset, assetWhere, type AssetInput, type AssetFilters, type AssetListItem } from "./assets";
export {
  recordMaterialization,
  assetHistory,
  toMaterializationView,
  columnRecordSchema,
  checkRecordSchema,
  type MaterializationInput,
  type MaterializationView,
  type HistoryOptions,
  type ColumnRecord,
  type CheckRecord,
} from "./materializations";
export { recordRun, setRunStatus, nextStatuses, appendRunLog, listRunEvents, type RunInput, type LogInput } from "./runs";
export {
  setSecret,
  setSecretAllowedHosts,
  listSecrets,
  resolveSecret,
  workspaceSecrets,
  workspaceSecretResolver,
  deleteSecret,
  secretNameSchema,
  type SetSecretInput,
  type SetAllowedHostsInput,
  type SecretListItem,
} from "./secrets";
export { parseSecretKey, secretKeySchema, SecretDecryptionError } from "./secret-box";
export {
  createShareLink,
  verifyShareLink,
  revokeShareLink,
  listShareLinks,
  hashShareToken,
  type ShareLinkTarget,
  type ShareLinkView,
  type CreateShareLinkInput,
} from "./share-links";
export { recordAudit, listAudit, type AuditInput, type CatalogTx } from "./audit";
export type * from "./generated/client";
export * from "./generated/enums";
