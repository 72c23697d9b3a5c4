// Materializations: one write of one asset (or partition) in one environment.
import { z } from "zod";
import type { Materialization, MaterializationStatus } from "./generated/client";
import type { CatalogDb } from "./store";

export const columnRecordSchema = z.object({ name: z.string(), type: z.string(), nullable: z.boolean().optional() });
export type ColumnRecord = z.infer<typeof columnRecordSchema>;

/** A check's outcome as stored: no sample rows (they are data, and may be sensitive). */
export const checkRecordSchema = z.object({
  check: z.string(),
  severity: z.enum(["error", "warn"]),
  passed: z.boolean(),
  failures: z.number(),
  error: z.string().optional(),
});
export type CheckRecord = z.infer<typeof checkRecordSchema>;

export interface MaterializationInput {
  assetId: string;
  environment: string;
  partition?: string | null;
  status: MaterializationStatus;
  rows?: number | null;
  columns?: readonly ColumnRecord[] | null;
  bytes?: number | null;
  durationMs: number;
  checks?: readonly CheckRecord[];
  reason?: string | null;
  notebookVersionId?: string | null;
  runId?: string | null;
  /** Default: now (the database's clock). */
  createdAt?: Date;
}

/** A materialization with plain numbers and parsed JSON, ready for a page or an API. */
export interface MaterializationView {
  id: string;
  assetId: string;
  environment: string;
  partition: string | null;
  status: MaterializationStatus;
  rows: number | null;
  columns: ColumnRecord[] | null;
  bytes: number | null;
  durationMs: number;
  checks: CheckRecord[];
  reason: string | null;
  notebookVersionId: string | null;
  runId: string | null;
  createdAt: Date;
}

const toBigInt = (n: number | null | undefined) => (n === null || n === undefined ? null : BigInt(Math.round(n)));
const toNumber = (n: bigint | null) => (n === null ? null : Number(n));

export function toMaterializationView(m: Materialization): MaterializationView {
  return {
    id: m.id,
    assetId: m.assetId,
    environment: m.environment,
    partition: m.partition,
    status: m.status,
    rows: toNumber(m.rows),
    columns: m.columns === null ? null : z.array(columnRecordSchema).parse(m.columns),
    bytes: toNumber(m.bytes),
    durationMs: m.durationMs,
    checks: z.array(checkRecordSchema).parse(m.checks),
    reason: m.reason,
    notebookVersionId: m.notebookVersionId,
    runId: m.runId,
    createdAt: m.createdAt,
  };
}

export async function recordMaterialization(db: CatalogDb, input: MaterializationInput): Promise<MaterializationView> {
  const columns = input.columns?.map((c) => columnRecordSchema.parse(c));
  const checks = (input.checks ?? []).map((c) => checkRecordSchema.parse(c));
  const row = await db.materialization.create({
    data: {
      assetId: input.assetId,
      environment: input.environment,
      partition: input.partition ?? null,
      status: input.status,
      rows: toBigInt(input.rows),
      ...(columns ? { columns } : {}),
      bytes: toBigInt(input.bytes),
      durationMs: input.durationMs,
      checks,
      reason: input.reason ?? null,
      notebookVersionId: input.notebookVersionId ?? null,
      runId: input.runId ?? null,
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    },
  });
  return toMaterializationView(row);
}

export interface HistoryOptions {
  environment?: string;
  partition?: string;
  /** Default 100. */
  limit?: number;
}

/** Newest first. */
export async function assetHistory(db: CatalogDb, assetId: string, options: HistoryOptions = {}): Promise<MaterializationView[]> {
  const rows = await db.materialization.findMany({
    where: {
      assetId,
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.partition ? { partition: options.partition } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit ?? 100,
  });
  return rows.map(toMaterializationView);
}
