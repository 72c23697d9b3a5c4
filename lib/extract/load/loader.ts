// One extract run, records -> tables: pages are flattened, checked against the contract
// and bulk-loaded into staging tables as they arrive (the run is never held in memory);
// then ONE swap puts the root table, its child tables and the cursor in place together.
import { assertNever } from "../../warehouse/errors";
import { quoteIdent, quoteLiteral, type ComputedColumn, type FileReader, type LogicalType, type RawColumn, type RawTable, type Row, type StateWrite, type Swap, type Warehouse } from "../../warehouse/types";
import { applyContract, contractSchema, type Contract, type ContractBaseline } from "../normalize/contract";
import { DEFAULT_MAX_DEPTH, MissingPrimaryKeyError, RecordFlattener, type FlatRecord } from "../normalize/flatten";
import { ColumnNamer } from "../normalize/names";
import { INTERNAL_COLUMN_TYPES, schemaFromColumns, type TableSchema } from "../normalize/schema";
import { describeLoadedTables, readAssetState, rowKeyVersionFor, schemaStateKey, type AssetState } from "./asset-state";
import type { RowKeyVersion } from "../normalize/row-key";
import { scanRecordsAt, type ArrayScan } from "../normalize/json-scan";
import { cursorStateKey, cursorValueAt, laterCursor, readCursor, type CursorValue } from "./incremental";
import { ROOT_KEY_COLUMN, SEQ_COLUMN } from "./merge-sql";
import { ExtractLoadError } from "./errors";
import { WRITE_BATCH_ROWS } from "./write-batches";
import type { RawStaging } from "./raw-table";
import { attemptRaw, type RawAttemptOptions, type RawAttemptRun } from "./raw-attempt";
import { profileAhead } from "./raw-relation";
import { rowKeySqlBeforeLoad } from "./raw-row-key";
import { finalStagingTables } from "./final-staging";
import { dropLeftoverStaging, newRowsTableFor, StagingTable, stageTableFor, widenTarget, type StagingScope } from "./staging";
import type { ExtractLoadOptions, ExtractLoadResult, StagedBy, TablePartition, WriteDisposition } from "./load-options";

export { ExtractLoadError } from "./errors";

/** The raw table's column a content key is computed in as the file is read (renamed `_row_key` when staged). */
const COMPUTED_ROW_KEY = "__ab_row_key";

const MERGE_COLUMN_TYPES: ReadonlyMap<string, LogicalType> = new Map([
  ...INTERNAL_COLUMN_TYPES,
  [SEQ_COLUMN, "BIGINT"],
  [ROOT_KEY_COLUMN, "VARCHAR"],
]);

export class ExtractLoader {
  private readonly staging = new Map<string, StagingTable>();
  /** Every table this run created, dropped again on abort. */
  private readonly created = new Set<string>();
  private readonly targets = new Map<string, TableSchema | null>();
  private readonly flattener: RecordFlattener;
  private readonly keyColumns: string[];
  private records = { loaded: 0, discarded: 0, seen: 0 };
  private cursor: CursorValue | undefined;
  private finished = false;
  /** Rows flattened and checked but not yet written, per table. */
  private pending = new Map<string, Row[]>();
  private pendingRows = 0;
  private pagesSeen = 0;
  private stagedBy: StagedBy = { by: "pages" };

  /** Column types that do not follow the values (keys, the partition). */
  private readonly fixedTypes: ReadonlyMap<string, LogicalType>;

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly asset: string,
    private readonly disposition: WriteDisposition,
    private readonly contract: Contract,
    private readonly cursorField: string | undefined,
    private readonly previous: AssetState,
    private readonly namer: ColumnNamer,
    private readonly partition: TablePartition | undefined,
    private readonly scope: StagingScope | undefined,
    primaryKey: readonly string[],
    private readonly maxDepth: number,
    private readonly rowKeys: RowKeyVersion,
  ) {
    this.flattener = new RecordFlattener({ table: asset, primaryKey, maxDepth, rowKeys }, namer);
    // Claimed first, so the key keeps its plain name whatever the records bring.
    this.keyColumns = this.flattener.primaryKeyColumns();
    const fixed = disposition === "merge" ? MERGE_COLUMN_TYPES : INTERNAL_COLUMN_TYPES;
    this.fixedTypes = partition === undefined ? fixed : new Map([...fixed, [partition.column, "VARCHAR"]]);
  }

  static async open(warehouse: Warehouse, options: ExtractLoadOptions): Promise<ExtractLoader> {
    await dropLeftoverStaging(warehouse, options.asset, options.staging);
    const previous = await readAssetState(warehouse, options.asset);
    const primaryKey = options.primaryKey === undefined ? [] : typeof options.primaryKey === "string" ? [options.primaryKey] : options.primaryKey;
    const disposition = options.writeDisposition ?? "append";
    const rewritesEveryRow = disposition === "replace" && options.partition === undefined;
    const rowKeys = await rowKeyVersionFor(previous, rewritesEveryRow, async () => (await warehouse.describe(options.asset)) !== null);
    const loader = new ExtractLoader(
      warehouse,
      options.asset,
      disposition,
      contractSchema.parse(options.contract ?? {}),
      options.cursorField,
      previous,
      new ColumnNamer(previous.names),
      options.partition,
      options.staging,
      primaryKey,
      options.maxDepth ?? DEFAULT_MAX_DEPTH,
      rowKeys,
    );
    if (options.cursorField !== undefined) loader.cursor = await readCursor(warehouse, options.asset, options.partition?.key);
    await loader.targetSchema(options.asset);
    return loader;
  }

  /** Flattens, checks and stages one page of source records. */
  async loadPage(records: readonly unknown[]): Promise<void> {
    this.assertOpen();
    const flattened = records.map((record) => ({ record, flat: this.flatten(record) }));
    for (const table of new Set(flattened.flatMap(({ flat }) => [...flat.tables.keys()]))) await this.targetSchema(table);
    const baseline = this.baseline();
    const rowsByTable = this.pending;
    for (const { record, flat } of flattened) {
      const kept = applyContract(flat, { cell: this.asset, rootTable: this.asset, contract: this.contract, baseline });
      if (kept === null) {
        this.records.discarded++;
        continue;
      }
      const seq = this.records.loaded++;
      if (this.cursorField !== undefined) this.cursor = laterCursor(this.cursor, cursorValueAt(record, this.cursorField));
      for (const [table, rows] of kept.tables) {
        if (this.disposition === "merge") this.tagForMerge(table, rows, seq, kept.rootKey);
        if (this.partition !== undefined) for (const row of rows) row[this.partition.column] = this.partition.key;
        const pending = rowsByTable.get(table);
        if (pending) for (const row of rows) pending.push(row);
        else rowsByTable.set(table, [...rows]);
        this.pendingRows += rows.length;
      }
    }
    if (this.pagesSeen++ === 0 || this.pendingRows >= WRITE_BATCH_ROWS) await this.flushPending();
  }

  /**
   * This run's rows from a file the warehouse read itself (`raw`: the reader's columns, rows
   * in the file's order), staged by SQL with the page path's names, types and values
   * (raw-attempt.ts, raw-table.ts). Returns why the rows must come page by page instead (nothing is staged
   * then): a partition, a contract checked against earlier runs, rows appended
   * to a table that exists, rows keyed by their content, types only the page path reads.
   */
  async loadRaw(reader: FileReader, raw: RawTable, batchOf: (position: number) => number, json?: RawStaging["json"], options: RawAttemptOptions = {}): Promise<string | null> {
    this.assertOpen();
    const blocker = this.rawBlocker();
    if (blocker !== null) return this.pagesBecause(blocker);
    // The page path appends to a child table that is there though its root is not (rawBlocker sees the root).
    if (this.disposition === "append" && (await this.existingTables()).length > 0) return this.pagesBecause("rows appended to tables that exist evolve them page by page");
    const staged = await attemptRaw(this.rawAttemptRun(), reader, raw, batchOf, json, options);
    if (!staged.ok) return this.pagesBecause(staged.reason);
    this.stagedBy = { by: "sql" };
    if (this.cursorField !== undefined) this.cursor = laterCursor(this.cursor, staged.cursor);
    this.records.seen += staged.rows;
    this.records.loaded += staged.rows;
    this.pagesSeen++;
    if (staged.rows > 0) this.staging.set(this.asset, new StagingTable(this.warehouse, staged.staging, staged.schema, true, this.fixedTypes, staged.rows, staged.winnersOnly));
    for (const child of staged.children) this.staging.set(child.table, new StagingTable(this.warehouse, child.staging, child.schema, true, this.fixedTypes, child.rows, staged.winnersOnly));
    return null;
  }

  private rawAttemptRun(): RawAttemptRun {
    const { warehouse, asset, disposition, scope, keyColumns, namer, maxDepth, rowKeys, cursorField, created } = this;
    return { warehouse, asset, disposition, scope, keyColumns, namer, maxDepth, rowKeys, cursorField, created, existingTables: () => this.existingTables() };
  }

  /** Profiles a part of a raw table loadRaw will be given (RawTable.parts) ahead of it: see profileAhead. */
  async profileAhead(reader: FileReader, part: RawTable): Promise<void> {
    await profileAhead(this.warehouse, reader, part, this.maxDepth);
  }

  /**
   * The content key a file's reader computes as it reads (FileReader.load's `computed`), from
   * its columns, when rows are keyed by their content (no primary key): far cheaper than a
   * second pass over the loaded rows. Undefined: none.
   */
  async contentKeyWhileReading(reader: FileReader, columns: () => Promise<RawColumn[]>): Promise<ComputedColumn | undefined> {
    if (this.keyColumns.length > 0 || this.rowKeys !== 2) return undefined;
    const read = await columns();
    if (read.some((column) => column.name.toLowerCase() === COMPUTED_ROW_KEY)) return undefined;
    const sql = rowKeySqlBeforeLoad(read, reader.sql, this.maxDepth);
    return sql === null ? undefined : { name: COMPUTED_ROW_KEY, sql };
  }

  /** Notes why the rows go page by page after all (the run's result says it); returns the reason. */
  pagesBecause(reason: string): string {
    this.stagedBy = { by: "pages", reason };
    return reason;
  }

  /** Why this run cannot take its rows from a raw table (loadRaw), whatever the file holds; null: it can. */
  rawBlocker(): string | null {
    if (this.pagesSeen > 0 || this.staging.size > 0) return "pages were loaded already";
    if (this.partition !== undefined) return "a partition's rows are tagged page by page";
    if (this.keyColumns.length === 0 && this.rowKeys !== 2) return "rows without a primary key are keyed as this asset's first runs keyed them (version 1), which only the page path computes";
    const baseline = this.baseline();
    if (baseline !== null && (this.contract.columns !== "evolve" || this.contract.data_type !== "evolve")) return "the contract is checked record by record";
    if (this.disposition === "append" && baseline !== null) return "rows appended to a table evolve it page by page";
    return null;
  }

  /**
   * Why records must go through loadPage rather than a raw table, as far as one page shows
   * it cheaply: a record without its primary key (loadPage fails on it). Null: nothing seen here.
   */
  pageBlocker(records: readonly unknown[]): string | null {
    for (const record of records) if (!this.flattener.hasPrimaryKey(record)) return "a record has no primary key";
    return null;
  }

  /** The rows loadPage would make of a page's records, child tables' too (its write batches count them). */
  pageRows(records: readonly unknown[]): number {
    let rows = records.length;
    for (const record of records) rows += this.flattener.childRows(record);
    return rows;
  }

  /** pageRows for records still in the bytes of the JSON array at `at` (null: no valid one there; parse them). */
  scanPage(bytes: Uint8Array, at: number): ArrayScan | null {
    return scanRecordsAt(bytes, at, this.maxDepth);
  }

  /** Records loaded so far. */
  get recordsLoaded(): number {
    return this.records.loaded;
  }

  /** Staging names of this run's attempt (absent: the plain names). */
  get stagingScope(): StagingScope | undefined {
    return this.scope;
  }

  private async flushPending(): Promise<void> {
    const pending = this.pending;
    this.pending = new Map();
    this.pendingRows = 0;
    for (const [table, rows] of pending) await (await this.stagingFor(table)).write(rows);
  }

  /**
   * Builds the final staging tables and swaps them in with the state, in one transaction.
   * `verify` sees the staged tables first (data checks); a reason it returns aborts the run.
   */
  async commit(verify?: (swaps: readonly Swap[]) => Promise<string | undefined>): Promise<ExtractLoadResult> {
    this.assertOpen();
    await this.flushPending();
    const swaps = await this.finalStagingTables();
    const refusal = verify ? await verify(swaps) : undefined;
    if (refusal !== undefined) {
      await this.abort();
      throw new ExtractLoadError(refusal);
    }
    const touched = new Set([...this.previous.tables, ...swaps.map((swap) => swap.target)]);
    const state: StateWrite[] = [
      { key: schemaStateKey(this.asset), value: { tables: [...touched].sort(), names: this.namer.mapping(), rowKeys: this.rowKeys } },
    ];
    if (this.cursorField !== undefined && this.cursor !== undefined) {
      state.push({ key: cursorStateKey(this.asset, this.partition?.key), value: this.cursor });
    }
    const partition = this.partition;
    if (partition !== undefined) for (const swap of swaps) await widenTarget(this.warehouse, swap);
    await this.warehouse.swap(partition === undefined ? swaps : swaps.map((swap) => ({ ...swap, partition })), state);
    this.finished = true;
    // The swap renamed the final staging tables; the merge's new-rows tables are spent (but one swapped in itself).
    const swapped = new Set(swaps.map((swap) => swap.staging));
    if (this.disposition === "merge") for (const staged of this.staging.values()) if (!swapped.has(staged.name)) await this.warehouse.drop(staged.name);
    return this.result(swaps);
  }

  /** Drops everything this run staged; the targets and the cursor stay as they were. */
  async abort(): Promise<void> {
    this.finished = true;
    this.pending = new Map();
    this.pendingRows = 0;
    for (const table of this.created) await this.warehouse.drop(table);
  }

  private assertOpen(): void {
    if (this.finished) throw new ExtractLoadError(`cell "${this.asset}": this extract run is already committed or aborted`);
  }

  private flatten(record: unknown): FlatRecord {
    this.records.seen++;
    try {
      return this.flattener.flatten(record);
    } catch (error) {
      if (error instanceof MissingPrimaryKeyError) {
        throw new ExtractLoadError(`cell "${this.asset}": record ${this.records.seen} has no value for primary key "${error.column}"`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private tagForMerge(table: string, rows: Row[], seq: number, rootKey: string): void {
    for (const row of rows) {
      row[SEQ_COLUMN] = seq;
      if (table === this.asset) row[ROOT_KEY_COLUMN] = rootKey;
    }
  }

  /** `<column> = '<key>'` in a partitioned run (the rows this run reads and replaces), else null. */
  private partitionCondition(alias?: string): string | null {
    if (this.partition === undefined) return null;
    return `${alias === undefined ? "" : `${alias}.`}${quoteIdent(this.partition.column)} = ${quoteLiteral(this.partition.key)}`;
  }

  private partitionFilter(): string {
    const condition = this.partitionCondition();
    return condition === null ? "" : ` WHERE ${condition}`;
  }

  private async targetSchema(table: string): Promise<TableSchema | null> {
    if (!this.targets.has(table)) {
      const columns = await this.warehouse.describe(table);
      this.targets.set(table, columns ? schemaFromColumns(columns) : null);
    }
    return this.targets.get(table) ?? null;
  }

  /** The tables as they were before the run; null on the asset's first run. */
  private baseline(): ContractBaseline {
    if (!this.targets.get(this.asset)) return null;
    const baseline = new Map<string, TableSchema>();
    for (const [table, schema] of this.targets) if (schema) baseline.set(table, schema);
    return baseline;
  }

  private async stagingFor(table: string): Promise<StagingTable> {
    const known = this.staging.get(table);
    if (known) return known;
    let staged: StagingTable;
    switch (this.disposition) {
      case "append": {
        const target = await this.targetSchema(table);
        const name = stageTableFor(table, this.scope);
        this.created.add(name);
        if (target) await this.warehouse.exec(`CREATE TABLE ${quoteIdent(name)} AS SELECT * FROM ${quoteIdent(table)}${this.partitionFilter()}`);
        staged = new StagingTable(this.warehouse, name, new Map(target ?? []), target !== null, this.fixedTypes);
        break;
      }
      case "replace": {
        // A partition's rows go back into the table by position: its columns come first, in order.
        const seed = this.partition === undefined ? null : await this.targetSchema(table);
        staged = new StagingTable(this.warehouse, stageTableFor(table, this.scope), new Map(seed ?? []), false, this.fixedTypes);
        break;
      }
      case "merge":
        staged = new StagingTable(this.warehouse, newRowsTableFor(table, this.scope), new Map(), false, this.fixedTypes);
        break;
      default:
        return assertNever(this.disposition);
    }
    this.created.add(staged.name);
    this.staging.set(table, staged);
    return staged;
  }

  /** Tables of the asset that exist in the warehouse, whether or not this run touched them. */
  private async existingTables(): Promise<string[]> {
    const names = new Set([this.asset, ...this.previous.tables, ...this.staging.keys()]);
    const existing: string[] = [];
    for (const name of names) if (await this.targetSchema(name)) existing.push(name);
    return existing;
  }

  private finalStagingTables(): Promise<Swap[]> {
    return finalStagingTables({
      warehouse: this.warehouse,
      asset: this.asset,
      disposition: this.disposition,
      scope: this.scope,
      staging: this.staging,
      keyColumns: this.keyColumns,
      targetCondition: this.partitionCondition("t"),
      existingTables: () => this.existingTables(),
      targetSchema: (table) => this.targetSchema(table),
      created: (name) => this.created.add(name),
    });
  }

  private async result(swaps: Swap[]): Promise<ExtractLoadResult> {
    const targets = swaps.map((swap) => swap.target);
    const written = (table: string) => this.staging.get(table)?.written ?? 0;
    const { tables, names } = await describeLoadedTables(this.warehouse, targets, written, this.namer.mapping(), this.partitionCondition());
    const { loaded, discarded } = this.records;
    return { tables, names, records: { loaded, discarded }, cursor: this.cursor, staged: this.stagedBy };
  }
}
