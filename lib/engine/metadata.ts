// Materialization records, kept in the warehouse's `_assetbook` schema until the
// catalog (Prisma) gives them a home.
import type { Warehouse } from "../warehouse/types";
import { quoteLiteral } from "../warehouse/types";
import type { AssetOutcome } from "./events";

export const MATERIALIZATIONS_TABLE = "_assetbook.materializations";

const create = (warehouse: Warehouse) => `CREATE SCHEMA IF NOT EXISTS _assetbook;
CREATE TABLE IF NOT EXISTS ${MATERIALIZATIONS_TABLE} (
  run_id VARCHAR NOT NULL,
  asset VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  row_count BIGINT,
  columns VARCHAR,
  duration_ms ${warehouse.dialect.typeName("DOUBLE")} NOT NULL,
  checks VARCHAR NOT NULL,
  reason VARCHAR,
  finished_at TIMESTAMP NOT NULL
)`;

export async function ensureMetadataTables(warehouse: Warehouse): Promise<void> {
  await warehouse.exec(create(warehouse));
}

function nullable(value: string | number | undefined): string {
  if (value === undefined) return "NULL";
  return typeof value === "number" ? String(value) : quoteLiteral(value);
}

export async function recordMaterialization(warehouse: Warehouse, runId: string, o: AssetOutcome): Promise<void> {
  const checks = o.checks.map(({ check, severity, passed, failures, error }) => ({ check, severity, passed, failures, error }));
  const values = [
    quoteLiteral(runId),
    quoteLiteral(o.asset),
    quoteLiteral(o.kind),
    quoteLiteral(o.status),
    nullable(o.rows),
    nullable(o.columns ? JSON.stringify(o.columns) : undefined),
    String(Math.round(o.durationMs * 1000) / 1000),
    quoteLiteral(JSON.stringify(checks)),
    nullable(o.reason),
    "CAST(current_timestamp AS TIMESTAMP)",
  ];
  await warehouse.exec(`INSERT INTO ${MATERIALIZATIONS_TABLE} VALUES (${values.join(", ")})`);
}
