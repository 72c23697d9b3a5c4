// One attempt to stage a run's rows from a raw table (ExtractLoader.loadRaw): the staging
// tables named and claimed, the rows staged by SQL (raw-table.ts), and everything the attempt
// made or named taken back if it is refused.
import type { FileReader, RawTable, Warehouse } from "../../warehouse/types";
import type { ColumnNamer } from "../normalize/names";
import type { RowKeyVersion } from "../normalize/row-key";
import { isUnreadableJson, unreadableJsonReason } from "./raw-release";
import { stageRawTable, type RawStaged, type RawStaging } from "./raw-table";
import { newRowsTableFor, stageTableFor, type StagingScope } from "./staging";
import type { WriteDisposition } from "./load-options";

/** What an attempt needs of its run. */
export interface RawAttemptRun {
  warehouse: Warehouse;
  asset: string;
  disposition: WriteDisposition;
  scope: StagingScope | undefined;
  keyColumns: string[];
  namer: ColumnNamer;
  maxDepth: number;
  rowKeys: RowKeyVersion;
  cursorField: string | undefined;
  /** Every table the run created (it drops them on abort): the attempt adds its own. */
  created: Set<string>;
  existingTables(): Promise<string[]>;
}

export interface RawAttemptOptions {
  childTables?: boolean;
  /**
   * `raw` reads its files where it is used, so the reader may refuse their records only now (a
   * key twice inside a list's element): the attempt is refused then, as if `raw` had not
   * loaded, and nothing it staged stays.
   */
  refusals?: boolean;
}

/** The rows staged (the root's staging table named `staging`), or why they cannot be (nothing staged, no name claimed). */
export async function attemptRaw(
  run: RawAttemptRun,
  reader: FileReader,
  raw: RawTable,
  batchOf: (position: number) => number,
  json: RawStaging["json"],
  options: RawAttemptOptions,
): Promise<RawStaged & { staging: string }> {
  const merge = run.disposition === "merge";
  // Tables made before this attempt (a refusal drops only its own).
  const createdBefore = new Set(run.created);
  const stagingFor = (table: string) => {
    const name = merge ? newRowsTableFor(table, run.scope) : stageTableFor(table, run.scope);
    run.created.add(name);
    return name;
  };
  const staging = stagingFor(run.asset);
  // Child rows' keys are version 2's (the first version's hash is JavaScript's alone).
  const children =
    options.childTables !== true
      ? "a record has a list (a child table), whose write batches only the pages know"
      : run.rowKeys !== 2
        ? "child rows are keyed as this asset's first runs keyed them (version 1), which only the page path computes"
        : stagingFor;
  // Names the attempt claims are taken back if it is refused: the pages claim theirs as they meet them.
  const restoreNames = run.namer.checkpoint();
  const staged = await stageRawTable(run.warehouse, reader, raw, {
    asset: run.asset,
    keyColumns: run.keyColumns,
    namer: run.namer,
    staging,
    merge,
    childTargets: merge && (await run.existingTables()).some((table) => table !== run.asset),
    maxDepth: run.maxDepth,
    json,
    batchOf,
    children,
    cursor: run.cursorField,
  }).catch(async (error: unknown): Promise<RawStaged> => {
    if (options.refusals !== true || !isUnreadableJson(error)) throw error;
    for (const table of [...run.created].filter((name) => !createdBefore.has(name))) {
      await run.warehouse.drop(table);
      run.created.delete(table);
    }
    return { ok: false, reason: unreadableJsonReason(error) };
  });
  if (!staged.ok) restoreNames();
  return { ...staged, staging };
}
