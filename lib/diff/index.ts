export { dataDiff, type DiffWarehouse } from "./run";
export { schemaDiff } from "./schema";
export type { ColumnDiff, DataDiff, DiffColumn, DiffOptions, DiffSide, SampleRow, SchemaDiff } from "./types";
