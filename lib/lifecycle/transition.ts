// The one step that changes what production serves, for a promotion and for a rollback:
// from one production state to another, as the steps of ONE warehouse transaction. Pure:
// tested as golden files. Only assets whose version changes get a step, so a promotion
// costs the same whatever the data size, and whatever the number of unchanged assets.
import type { TxStep } from "../warehouse/types";
import { canonicalJson } from "./fingerprint";
import { ASSETS_TABLE, NOTEBOOKS_TABLE, PRODUCTION, PROMOTIONS_TABLE, quoteIdent, quoteLiteral, servedTarget, sqlTimestamp } from "./layout";
import { placementOf } from "./placement";

/** What an environment serves: asset → version, and its notebook texts by slug. */
export interface ServedState {
  assets: Record<string, string>;
  notebooks: Record<string, string>;
}


export interface TransitionInput {
  /** The schema whose views are production's table names. */
  productionSchema: string;
  from: ServedState;
  to: ServedState;
  /** Each version's tables (every version named in `from` or `to`). */
  tablesOf: (version: string) => readonly string[];
  /** A view asset version's SQL (undefined: its tables are tables). */
  viewOf?: (version: string) => string | undefined;
  record: { id: string; seq: number; env: string; planHash: string; at: Date };
}


function sortedKeys(...records: Record<string, string>[]): string[] {
  return [...new Set(records.flatMap((record) => Object.keys(record)))].sort();
}

/** The steps that make production serve `to` instead of `from`, and record it. */
export function transitionSteps(input: TransitionInput): TxStep[] {
  const { from, to, productionSchema, tablesOf, record } = input;
  const viewOf = input.viewOf ?? (() => undefined);
  const steps: TxStep[] = [];
  // An asset placed in a schema is served there too (a view of its name beside production's).
  const placedBefore = placementOf(from.notebooks);
  const placedAfter = placementOf(to.notebooks);
  for (const schema of new Set(placedAfter.values())) if (schema !== productionSchema) steps.push({ sql: `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}` });
  for (const asset of viewsLast(sortedKeys(from.assets, to.assets), (name) => viewOf(to.assets[name] ?? ""))) {
    const before = from.assets[asset];
    const after = to.assets[asset];
    if (before === after) continue;
    const newTables = after === undefined ? [] : tablesOf(after);
    const schemaAfter = after === undefined ? undefined : placedAfter.get(asset);
    const schemaBefore = before === undefined ? undefined : placedBefore.get(asset);
    for (const table of newTables) {
      const target = servedTarget(table, after ?? "", viewOf(after ?? ""));
      steps.push({ view: { schema: productionSchema, name: table, target } });
      if (schemaAfter !== undefined && schemaAfter !== productionSchema) steps.push({ view: { schema: schemaAfter, name: table, target } });
    }
    const kept = new Set(newTables);
    for (const table of before === undefined ? [] : tablesOf(before)) {
      if (!kept.has(table)) steps.push({ view: { schema: productionSchema, name: table, target: null } });
      if (schemaBefore !== undefined && schemaBefore !== productionSchema && (!kept.has(table) || schemaBefore !== schemaAfter)) steps.push({ view: { schema: schemaBefore, name: table, target: null } });
    }
    steps.push({ sql: `DELETE FROM ${ASSETS_TABLE} WHERE env = ${quoteLiteral(PRODUCTION)} AND asset = ${quoteLiteral(asset)}` });
    if (after !== undefined) {
      steps.push({ sql: `INSERT INTO ${ASSETS_TABLE} (env, asset, version) VALUES (${quoteLiteral(PRODUCTION)}, ${quoteLiteral(asset)}, ${quoteLiteral(after)})` });
    }
  }
  for (const slug of sortedKeys(from.notebooks, to.notebooks)) {
    const text = to.notebooks[slug];
    if (from.notebooks[slug] === text) continue;
    steps.push({ sql: `DELETE FROM ${NOTEBOOKS_TABLE} WHERE env = ${quoteLiteral(PRODUCTION)} AND slug = ${quoteLiteral(slug)}` });
    if (text !== undefined) {
      steps.push({ sql: `INSERT INTO ${NOTEBOOKS_TABLE} (env, slug, text) VALUES (${quoteLiteral(PRODUCTION)}, ${quoteLiteral(slug)}, ${quoteLiteral(text)})` });
    }
  }
  steps.push({
    sql:
      `INSERT INTO ${PROMOTIONS_TABLE} (id, seq, env, plan_hash, before_state, after_state, promoted_at) VALUES (` +
      [record.id, String(record.seq), record.env, record.planHash].map((value, i) => (i === 1 ? value : quoteLiteral(value))).join(", ") +
      `, ${quoteLiteral(canonicalJson(from))}, ${quoteLiteral(canonicalJson(to))}, ${sqlTimestamp(record.at)})`,
  });
  return steps;
}

/**
 * Assets in the order their views are made: view assets after every table (PostgreSQL binds
 * a view to what its names mean when it is made), and a view asset after the view assets
 * its SQL names (a word match: at worst an order that did not need to be). A cycle keeps
 * the given order.
 */
export function viewsLast(assets: readonly string[], viewSql: (asset: string) => string | undefined): string[] {
  const views = assets.filter((asset) => viewSql(asset) !== undefined);
  const ordered: string[] = [];
  const pending = new Set(views);
  const names = (asset: string) => new Set((viewSql(asset) ?? "").toLowerCase().match(/[a-z_][a-z0-9_$]*/g) ?? []);
  while (pending.size > 0) {
    const ready = [...pending].filter((asset) => ![...pending].some((other) => other !== asset && names(asset).has(other.toLowerCase())));
    const next = ready.length > 0 ? ready : [...pending];
    for (const asset of next) {
      ordered.push(asset);
      pending.delete(asset);
    }
  }
  return [...assets.filter((asset) => viewSql(asset) === undefined), ...ordered];
}

/** Production after promoting `env`: its assets and notebooks over production's, without what the plan removes. */
export function promotedState(production: ServedState, env: ServedState, removed: { assets: readonly string[]; notebooks: readonly string[] }): ServedState {
  const assets = { ...production.assets, ...env.assets };
  const notebooks = { ...production.notebooks, ...env.notebooks };
  for (const asset of removed.assets) delete assets[asset];
  for (const slug of removed.notebooks) delete notebooks[slug];
  return { assets, notebooks };
}
