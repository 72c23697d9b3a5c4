// Whether a merge's staged rows repeat a key, found without holding every key at once.
import { quoteIdent, type FileReader, type Warehouse } from "../../warehouse/types";

/**
 * Whether a key repeats among the staged rows, by their key columns' values (each a function of
 * the root key's text that tells its texts apart: integers, dates, text, the key itself):
 * none repeats where every row's are distinct. A column not found counts as a repeat. Keys
 * that rise row after row (an API paged by id) are distinct, which one streaming pass tells
 * without holding them; else they are counted.
 */
export async function keysRepeatIn(warehouse: Warehouse, reader: FileReader, table: string, keys: readonly (string | undefined)[], rows: number): Promise<boolean> {
  const names = keys.flatMap((key) => (key === undefined ? [] : [quoteIdent(key)]));
  if (names.length === 0 || names.length < keys.length) return true;
  const key = `(${names.join(", ")})`;
  // Every row but the first must follow a smaller key: one sequence (a single NULL before), rising.
  const [rising] = await warehouse.query(
    `SELECT count(*) FILTER (WHERE previous IS NULL) AS firsts, count(*) FILTER (WHERE previous >= k) AS falls FROM (SELECT ${key} AS k, lag(${key}) OVER () AS previous FROM ${quoteIdent(table)})`,
  );
  if (Number(rising?.firsts) === 1 && Number(rising?.falls) === 0) return false;
  return (await distinctKeys(warehouse, reader, table, key, rows)) !== rows;
}

/**
 * Rows counted per pass: a pass holds every distinct key it meets. Over 5M shuffled integer
 * keys, one pass held about 215 MB; eight passes held 60-70 MB and took less time together.
 */
export const KEYS_PER_PASS = 625_000;

/**
 * The distinct keys among a table's rows (NULL not counted), a bucket of keys per pass: equal
 * keys share a bucket, so the buckets' counts add up to the whole's.
 */
export async function distinctKeys(warehouse: Warehouse, reader: FileReader, table: string, key: string, rows: number, keysPerPass = KEYS_PER_PASS): Promise<number> {
  const passes = Math.max(1, Math.ceil(rows / keysPerPass));
  let keys = 0;
  for (let pass = 0; pass < passes; pass++) {
    const only = passes === 1 ? "" : ` WHERE ${reader.sql.bucket(key, passes)} = ${pass}`;
    const [row] = await warehouse.query(`SELECT count(DISTINCT ${key}) AS keys FROM ${quoteIdent(table)}${only}`);
    keys += Number(row?.keys);
  }
  return keys;
}
