// Schema contracts: what to do when a run brings a column, or a value type, that the
// existing tables do not have. Applied per source record, before anything is written.
import { z } from "zod";
import { assertNever } from "../../warehouse/errors";
import type { Row } from "../../warehouse/types";
import { toJsonText } from "../../warehouse/values";
import type { FlatRecord } from "./flatten";
import { fitsType, inferType } from "./logical-types";
import { isInternalColumn } from "./names";
import type { TableSchema } from "./schema";

export const CONTRACT_MODES = ["evolve", "freeze", "discard_row", "discard_value"] as const;
export type ContractMode = (typeof CONTRACT_MODES)[number];

export const contractSchema = z.object({
  columns: z.enum(CONTRACT_MODES).default("evolve"),
  data_type: z.enum(CONTRACT_MODES).default("evolve"),
});
export type Contract = z.infer<typeof contractSchema>;

export const EVOLVE: Contract = { columns: "evolve", data_type: "evolve" };

export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractError";
  }
}

/**
 * The tables as they were before the run. `null` when the asset has never been loaded:
 * the first run defines the schema, so nothing is enforced then.
 */
export type ContractBaseline = ReadonlyMap<string, TableSchema> | null;

export interface ContractContext {
  /** The cell (asset) name, for messages. */
  cell: string;
  rootTable: string;
  contract: Contract;
  baseline: ContractBaseline;
}

/**
 * Applies the contract to one flattened record: returns it (values possibly dropped),
 * or null when the whole record (root row and its child rows) is discarded.
 * Throws ContractError on a violation of a `freeze`.
 */
export function applyContract(record: FlatRecord, context: ContractContext): FlatRecord | null {
  const { contract, baseline } = context;
  if (baseline === null || (contract.columns === "evolve" && contract.data_type === "evolve")) return record;
  const tables = new Map<string, Row[]>();
  for (const [table, rows] of record.tables) {
    const existing = baseline.get(table);
    // A list field the tables never had is a new column of its parent: its value is dropped.
    if (existing === undefined && contract.columns === "discard_value") continue;
    const kept: Row[] = [];
    for (const row of rows) {
      const checked = checkRow(row, table, existing ?? new Map(), context);
      if (checked === null) return null;
      kept.push(checked);
    }
    tables.set(table, kept);
  }
  return { rootKey: record.rootKey, tables };
}

function checkRow(row: Row, table: string, existing: TableSchema, context: ContractContext): Row | null {
  const out: Row = { ...row };
  for (const [name, value] of Object.entries(row)) {
    if (isInternalColumn(name) || inferType(value) === null) continue;
    const type = existing.get(name);
    if (type === undefined) {
      const action = decide(context.contract.columns, () => newColumnMessage(context, table, name, value));
      if (action === "drop_row") return null;
      if (action === "drop_value") delete out[name];
    } else if (!fitsType(value, type)) {
      const action = decide(context.contract.data_type, () => typeChangeMessage(context, table, name, type, value));
      if (action === "drop_row") return null;
      if (action === "drop_value") out[name] = null;
    }
  }
  return out;
}

function decide(mode: ContractMode, message: () => string): "keep" | "drop_row" | "drop_value" {
  switch (mode) {
    case "evolve":
      return "keep";
    case "freeze":
      throw new ContractError(message());
    case "discard_row":
      return "drop_row";
    case "discard_value":
      return "drop_value";
    default:
      return assertNever(mode);
  }
}

function columnLabel(context: ContractContext, table: string, name: string): string {
  return table === context.rootTable ? `"${name}"` : `"${name}" in table "${table}"`;
}

function newColumnMessage(context: ContractContext, table: string, name: string, value: unknown): string {
  return (
    `cell "${context.cell}": contract: new column ${columnLabel(context, table, name)} ` +
    `(sample value ${sampleText(value)}) but columns is ${context.contract.columns}`
  );
}

function typeChangeMessage(context: ContractContext, table: string, name: string, type: string, value: unknown): string {
  return (
    `cell "${context.cell}": contract: column ${columnLabel(context, table, name)} is ${type} ` +
    `but got ${inferType(value) ?? "null"} (sample value ${sampleText(value)}) and data_type is ${context.contract.data_type}`
  );
}

export function sampleText(value: unknown): string {
  const text = toJsonText(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
