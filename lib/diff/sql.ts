// The SQL of a data diff. Plain SQL that DuckDB and PostgreSQL both accept (FULL OUTER
// JOIN, IS DISTINCT FROM, FILTER, EXCEPT ALL), built by pure functions and tested as
// golden files (sql.test.ts). The keyed diff joins the two sides ONCE and keeps only the rows
// that differ, with typed values, so the cost stays near a bare join; counts and samples come
// from that small table.
import { quoteIdent } from "../warehouse/types";
import { commonColumns } from "./schema";
import type { DiffSide } from "./types";

export { quoteIdent };

/** SQL of a finite number literal (a tolerance). */
function numberLiteral(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`a tolerance is a finite number of at least 0, got ${value}`);
  return String(value);
}

export interface KeyedDiffSql {
  /** One row: both sides' row counts, their rows with a null key part (`production_null_keys`, `env_null_keys`) and those whose key repeats (`production_repeats`, `env_repeats`). */
  counts: string;
  /** Creates `target` with one row per differing row whose key has no null: its kind, its typed key (`k<i>`), per compared column a changed flag (`f<i>`) and both typed values (`p<i>`, `e<i>`). */
  differences: string;
  /** One row: added, removed and changed counts and per-column changed counts (`c0`, `c1`, ...). */
  summary: string;
  /** Up to `n` rows of each kind, ordered by key, with both sides' values as text (`p<i>`, `e<i>`). */
  sample: (n: number) => string;
  /** Compared (non-key) columns in order: the index is the `c<i>` / `f<i>` suffix. */
  compared: string[];
  keys: string[];
}

function findColumn(side: DiffSide, name: string): string {
  const column = side.columns.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!column) throw new RangeError(`key column "${name}" is not a column of ${side.relation}`);
  return column.name;
}

/**
 * The SQL of a diff by key, writing differing rows to the temporary table `target` (quoted;
 * the caller drops it). A row with a null key part matches nothing: it is left out of
 * `target` and counted from `counts` as added or removed. The join is the one pass over the
 * data: `target` keeps the differing rows' typed values and samples cast only those.
 */
export function keyedDiffSql(production: DiffSide, env: DiffSide, key: readonly string[], tolerance: number, target: string): KeyedDiffSql {
  if (key.length === 0) throw new RangeError("a keyed diff needs at least one key column");
  const keys = key.map((name) => ({ p: findColumn(production, name), e: findColumn(env, name) }));
  const keyNames = new Set(keys.map((k) => k.p.toLowerCase()));
  const compared = commonColumns(production.columns, env.columns).filter((column) => !keyNames.has(column.name.toLowerCase()));
  const tol = numberLiteral(tolerance);
  const p = (name: string) => `p.${quoteIdent(name)}`;
  const e = (name: string) => `e.${quoteIdent(name)}`;
  const text = (expression: string) => `CAST(${expression} AS VARCHAR)`;
  const differs = compared.map((column) => {
    const [before, after] = column.asText ? [text(p(column.name)), text(e(column.envName))] : [p(column.name), e(column.envName)];
    const distinct = `${before} IS DISTINCT FROM ${after}`;
    return column.float && tolerance > 0 ? `(${distinct} AND NOT coalesce(abs(${before} - ${after}) <= ${tol}, false))` : `(${distinct})`;
  });
  const keyIsNull = (column: (k: { p: string; e: string }) => string) => keys.map((k) => `${column(k)} IS NULL`).join(" OR ");
  const counts =
    `SELECT (SELECT count(*) FROM ${production.relation}) AS production, (SELECT count(*) FROM ${env.relation}) AS env, ` +
    `(SELECT count(*) FROM ${production.relation} WHERE ${keyIsNull((k) => quoteIdent(k.p))}) AS production_null_keys, ` +
    `(SELECT count(*) FROM ${env.relation} WHERE ${keyIsNull((k) => quoteIdent(k.e))}) AS env_null_keys, ` +
    // Rows whose whole key another row of the same side has too: a keyed match would repeat them.
    `(SELECT count(*) - count(DISTINCT (${keys.map((k) => quoteIdent(k.p)).join(", ")})) FROM ${production.relation} WHERE NOT (${keyIsNull((k) => quoteIdent(k.p))})) AS production_repeats, ` +
    `(SELECT count(*) - count(DISTINCT (${keys.map((k) => quoteIdent(k.e)).join(", ")})) FROM ${env.relation} WHERE NOT (${keyIsNull((k) => quoteIdent(k.e))})) AS env_repeats`;
  // A side takes part in a joined row when its whole key is there: an unmatched row has the
  // other side all null, and a row with a null key part matched nothing.
  const outP = `(${keyIsNull((k) => p(k.p))})`;
  const outE = `(${keyIsNull((k) => e(k.e))})`;
  const inP = `(${keys.map((k) => `${p(k.p)} IS NOT NULL`).join(" AND ")})`;
  const inE = `(${keys.map((k) => `${e(k.e)} IS NOT NULL`).join(" AND ")})`;
  const kind = `CASE WHEN ${outP} THEN 'added' WHEN ${outE} THEN 'removed' ELSE 'changed' END`;
  const select = [
    `${kind} AS kind`,
    ...keys.map((k, i) => `coalesce(${p(k.p)}, ${e(k.e)}) AS k${i}`),
    ...differs.map((flag, i) => `${inP} AND ${inE} AND ${flag} AS f${i}`),
    ...compared.flatMap((column, i) => [`${p(column.name)} AS p${i}`, `${e(column.envName)} AS e${i}`]),
  ];
  const on = keys.map((k) => `${p(k.p)} = ${e(k.e)}`).join(" AND ");
  const anyDiffers = differs.length === 0 ? "false" : `(${differs.join(" OR ")})`;
  const differences =
    `CREATE TEMPORARY TABLE ${target} AS SELECT ${select.join(", ")} ` +
    `FROM ${production.relation} p FULL OUTER JOIN ${env.relation} e ON ${on} ` +
    // Rows of one side only, or differing; not a row whose key has a null part on both sides.
    `WHERE (${outP} OR ${outE} OR ${anyDiffers}) AND (${inP} OR ${inE})`;
  const summary =
    `SELECT count(*) FILTER (WHERE kind = 'added') AS added, count(*) FILTER (WHERE kind = 'removed') AS removed, ` +
    `count(*) FILTER (WHERE kind = 'changed') AS changed` +
    compared.map((_, i) => `, count(*) FILTER (WHERE f${i}) AS c${i}`).join("") +
    ` FROM ${target}`;
  const order = keys.map((_, i) => `k${i}`).join(", ");
  const sample = (n: number) =>
    `SELECT kind, ${keys.map((_, i) => `CAST(k${i} AS VARCHAR) AS k${i}`).join(", ")}${compared.map((_, i) => `, f${i}, ${text(`p${i}`)} AS p${i}, ${text(`e${i}`)} AS e${i}`).join("")} FROM (` +
    ["added", "removed", "changed"].map((k) => `(SELECT * FROM ${target} WHERE kind = '${k}' ORDER BY ${order} LIMIT ${Math.max(0, Math.floor(n))})`).join(" UNION ALL ") +
    `) s ORDER BY CASE s.kind WHEN 'added' THEN 0 WHEN 'removed' THEN 1 ELSE 2 END, ${keys.map((_, i) => `s.k${i}`).join(", ")}`;
  return { counts, differences, summary, sample, compared: compared.map((column) => column.name), keys: keys.map((k) => k.p) };
}

/** Row counts of both sides. */
export function rowCountsSql(production: DiffSide, env: DiffSide): string {
  return `SELECT (SELECT count(*) FROM ${production.relation}) AS production, (SELECT count(*) FROM ${env.relation}) AS env`;
}

/** Without a key: rows as multisets over the common columns; `removed` are production's rows env lacks. */
export function multisetDiffSql(production: DiffSide, env: DiffSide): string {
  const columns = commonColumns(production.columns, env.columns);
  const list = (side: "p" | "e") => columns.map((column) => (column.asText ? `CAST(${quoteIdent(side === "p" ? column.name : column.envName)} AS VARCHAR)` : quoteIdent(side === "p" ? column.name : column.envName))).join(", ");
  if (columns.length === 0) throw new RangeError("a multiset diff needs a column both sides have");
  return (
    `SELECT (SELECT count(*) FROM (SELECT ${list("p")} FROM ${production.relation} EXCEPT ALL SELECT ${list("e")} FROM ${env.relation}) d) AS removed, ` +
    `(SELECT count(*) FROM (SELECT ${list("e")} FROM ${env.relation} EXCEPT ALL SELECT ${list("p")} FROM ${production.relation}) d) AS added`
  );
}
