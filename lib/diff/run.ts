// Runs a data diff inside the warehouse: only counts and a few sample rows reach Node.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { commonColumns, schemaDiff } from "./schema";
import { keyedDiffSql, multisetDiffSql, quoteIdent, rowCountsSql } from "./sql";
import type { DataDiff, DiffOptions, DiffSide, SampleRow } from "./types";

/** What a diff needs of a warehouse: queries, and a temporary table of its own. */
export interface DiffWarehouse {
  query(sql: string): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
}

const count = z.union([z.number(), z.bigint(), z.string()]).transform((value) => Number(value));
const countsRow = z.object({ production: count, env: count });
const multisetRow = z.object({ removed: count, added: count });
const text = z.union([z.string(), z.null()]);

const keyedCountsRow = countsRow.extend({ production_null_keys: count, env_null_keys: count, production_repeats: count, env_repeats: count });

export async function dataDiff(warehouse: DiffWarehouse, production: DiffSide, env: DiffSide, options: DiffOptions = {}): Promise<DataDiff> {
  const schema = schemaDiff(production.columns, env.columns);
  const key = options.key ?? [];
  const multiset = async (warning: string): Promise<DataDiff> => {
    const rows = countsRow.parse((await warehouse.query(rowCountsSql(production, env)))[0]);
    const both = commonColumns(production.columns, env.columns).length > 0;
    const { removed, added } = both ? multisetRow.parse((await warehouse.query(multisetDiffSql(production, env)))[0]) : { removed: rows.production, added: rows.env };
    return { schema, rows, added, removed, changed: null, columns: [], sample: [], warnings: [warning] };
  };
  if (key.length === 0) return multiset("no key: rows are compared as multisets (give --key to match rows and see changed values)");
  // A temporary table: never written to the database file, gone with the session.
  const target = quoteIdent(`assetbook_diff_${randomUUID().replaceAll("-", "")}`);
  const sql = keyedDiffSql(production, env, key, options.tolerance ?? 0, target);
  const counts = keyedCountsRow.parse((await warehouse.query(sql.counts))[0]);
  if (counts.production_repeats + counts.env_repeats > 0) {
    // Matching by a key that repeats pairs every repeat with every other: counts beyond the rows.
    const where = [counts.production_repeats > 0 ? `${counts.production_repeats} in production` : "", counts.env_repeats > 0 ? `${counts.env_repeats} in the environment` : ""].filter(Boolean).join(", ");
    return multiset(`the key (${sql.keys.join(", ")}) is not unique (rows repeating a key: ${where}): rows are compared as multisets; give a key that is unique to see changed values`);
  }
  const rows = { production: counts.production, env: counts.env };
  try {
    await warehouse.exec(sql.differences);
    const summaryRow = z.record(z.string(), count).parse((await warehouse.query(sql.summary))[0]);
    const at = (name: string) => summaryRow[name] ?? 0;
    // A row with a null key part matches nothing: it is added (env) or removed (production).
    const added = at("added") + counts.env_null_keys;
    const removed = at("removed") + counts.production_null_keys;
    const changed = at("changed");
    const matchedFromProduction = rows.production - removed;
    const matchedFromEnv = rows.env - added;
    const warnings: string[] = [];
    const nullKeys = counts.production_null_keys + counts.env_null_keys;
    if (nullKeys > 0) warnings.push(`${nullKeys} ${nullKeys === 1 ? "row has" : "rows have"} a null key (${sql.keys.join(", ")}); they never match`);
    const matched = Math.min(matchedFromProduction, matchedFromEnv);
    const columns = sql.compared.map((name, i) => {
      const changedRows = at(`c${i}`);
      return { name, changed: changedRows, match: matched <= 0 ? 1 : (matched - changedRows) / matched };
    });
    const sample = (await warehouse.query(sql.sample(options.sampleSize ?? 5))).map((row) => sampleRow(row, sql.keys, sql.compared));
    return { schema, rows, added, removed, changed, columns, sample, warnings };
  } finally {
    await warehouse.exec(`DROP TABLE IF EXISTS ${target}`);
  }
}

const kindSchema = z.enum(["added", "removed", "changed"]);

function sampleRow(row: Record<string, unknown>, keys: readonly string[], compared: readonly string[]): SampleRow {
  const kind = kindSchema.parse(row.kind);
  const key = Object.fromEntries(keys.map((name, i) => [name, text.parse(row[`k${i}`] ?? null)]));
  const values: SampleRow["values"] = {};
  compared.forEach((name, i) => {
    const production = text.parse(row[`p${i}`] ?? null);
    const env = text.parse(row[`e${i}`] ?? null);
    if (kind !== "changed" || row[`f${i}`] === true) values[name] = { production, env };
  });
  return { kind, key, values };
}
