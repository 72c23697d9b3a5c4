// An incremental run's cursor over a raw table, in SQL: the value laterCursor keeps when it
// folds the records in their order (incremental.ts), where SQL orders them as compareCursors
// does: numbers as numbers, ISO dates and timestamps as instants (in whole milliseconds, the
// first of equal instants kept). Text compared as text, numbers written as text, or values
// of mixed kinds are the page path's (compareCursors' rules are pairwise there).
import type { FileReader, RawTable, Warehouse } from "../../warehouse/types";
import type { CursorValue } from "./incremental";
import { sourceKind, SQL_DATE_TEXT, type ColumnProfile, type RawLeaf } from "./raw-plan";

export type RawCursor = { ok: true; cursor: CursorValue | undefined } | { ok: false; reason: string };

export async function rawCursor(warehouse: Warehouse, reader: FileReader, raw: RawTable, leaf: RawLeaf | undefined, profile: ColumnProfile | undefined): Promise<RawCursor> {
  // No record has the field: no cursor value, as cursorValueAt finds none.
  if (leaf === undefined || profile === undefined || profile.nonNull === 0) return { ok: true, cursor: undefined };
  const c = leaf.sql;
  const refused = (why: string): RawCursor => ({ ok: false, reason: `the cursor "${leaf.path.join(".")}" ${why}` });
  const timestamp = warehouse.dialect.typeName("TIMESTAMP");
  const { isSafeInteger, isFinite, matches, textToDate, textToTimestamp, toMillis } = reader.sql;
  const kind = sourceKind(leaf.type);
  switch (kind) {
    case "integer":
    case "fractional": {
      // A value JavaScript reads as a bigint or as NaN is no cursor value there: left to it.
      const exact = kind === "integer" ? isSafeInteger(c) : isFinite(c);
      const [row] = await warehouse.query(`SELECT max(${c}) AS value, bool_and(${exact}) AS exact FROM ${raw.sql}`);
      if (row?.exact !== true) return refused("holds numbers JavaScript reads otherwise");
      return { ok: true, cursor: Number(row.value) };
    }
    case "text": {
      const temporal = profile.temporal;
      if (temporal === null || temporal.dates + temporal.timestamps < profile.nonNull) return refused("holds text compared by JavaScript's rules");
      const instant = toMillis(`(CASE WHEN ${matches(c, SQL_DATE_TEXT, true)} THEN CAST(${textToDate(c)} AS ${timestamp}) ELSE ${textToTimestamp(c)} END)`);
      return { ok: true, cursor: await firstOfLatest(warehouse, raw, c, instant) };
    }
    case "date":
      // duckdb-values.ts gives a date as its ISO text, a timestamp as ISO text without a zone (UTC).
      return { ok: true, cursor: await firstOfLatest(warehouse, raw, `CAST(${c} AS VARCHAR)`, `CAST(${c} AS ${timestamp})`) };
    case "timestamp":
      return { ok: true, cursor: await firstOfLatest(warehouse, raw, `replace(CAST(${c} AS VARCHAR), ' ', 'T')`, toMillis(c)) };
    case "boolean":
      // Not a cursor value to cursorValueAt: the page path keeps none.
      return { ok: true, cursor: undefined };
    case null:
      return refused(`is ${leaf.type}`);
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown kind ${String(unreachable)}`);
    }
  }
}

/** The text of the first record (by position) whose instant is the latest. */
async function firstOfLatest(warehouse: Warehouse, raw: RawTable, text: string, instant: string): Promise<string | undefined> {
  const [row] = await warehouse.query(
    `WITH v AS (SELECT ${text} AS text, ${instant} AS instant, ${raw.position} AS position FROM ${raw.sql} WHERE ${instant} IS NOT NULL) ` +
      `SELECT text FROM v WHERE instant = (SELECT max(instant) FROM v) ORDER BY position LIMIT 1`,
  );
  const value = row?.text;
  return typeof value === "string" ? value : undefined;
}
