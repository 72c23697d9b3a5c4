export { snakeCase, ColumnNamer, INTERNAL_COLUMNS, isInternalColumn, NESTING_SEPARATOR, type NameMapping } from "./names";
export { canonicalJson, stableHash } from "./hash";
export { inferType, widenType, fitsType, logicalTypeOfBackend } from "./logical-types";
export { RecordFlattener, DEFAULT_MAX_DEPTH, MissingPrimaryKeyError, keyString, type FlatRecord, type FlattenOptions } from "./flatten";
export {
  inferSchema,
  INTERNAL_COLUMN_TYPES,
  planEvolution,
  applyPlan,
  isEmptyPlan,
  schemaFromColumns,
  schemaToSpecs,
  type TableSchema,
  type EvolutionPlan,
  type Promotion,
  type InferredColumn,
} from "./schema";
export {
  applyContract,
  ContractError,
  contractSchema,
  CONTRACT_MODES,
  EVOLVE,
  sampleText,
  type Contract,
  type ContractMode,
  type ContractBaseline,
  type ContractContext,
} from "./contract";
