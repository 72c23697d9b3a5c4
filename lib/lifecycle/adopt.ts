// The first promotion of a workspace: the notebooks on disk become production's texts
// without a build, so the one-command start still shows a working production. Tables that
// `run` or production runs wrote before the lifecycle move into their versions (with their
// extract state), in the same transaction that records the promotion; versions with no
// table yet are filled by production's next runs.
import { producerOfTable } from "../graph";
import type { NotebookIssue } from "../notebook/types";
import { CREATE_METADATA_SQL, STATE_TABLE } from "../warehouse/metadata-sql";
import type { TxStep, Warehouse } from "../warehouse/types";
import { PRODUCTION, quoteLiteral, relation, sqlTimestamp, VERSIONS_SCHEMA, VERSIONS_TABLE, versionTable, PROMOTIONS_TABLE } from "./layout";
import { planProject, type PlannedProject, type ProposedNotebook } from "./project";
import { ensureLifecycleTables, hasPromotedProduction, versionTables, versionViews } from "./store";
import type { SqlSyntax } from "./syntax";
import type { SqlReferenceParser } from "../graph";
import { transitionSteps, type ServedState } from "./transition";
import { versionedStateKey } from "./versioned-warehouse";

/** The id of the first promotion: a second start racing the first conflicts on it and changes nothing. */
export const INITIAL_PROMOTION = "initial";

export interface AdoptOptions {
  warehouse: Warehouse;
  productionSchema: string;
  notebooks: readonly { slug: string; text: string }[];
  parser: SqlReferenceParser & SqlSyntax;
  now?: () => Date;
}

export type AdoptResult =
  | { adopted: false; reason: string }
  | { adopted: true; assets: string[]; notebooks: string[]; moved: string[]; left: NotebookIssue[] };

/** Plans what parses: a notebook with issues is left out (named), not the whole workspace. */
async function planWhatParses(options: AdoptOptions): Promise<{ planned: Extract<PlannedProject, { ok: true }>; left: NotebookIssue[] } | null> {
  let proposed: ProposedNotebook[] = options.notebooks.map((nb) => ({ slug: nb.slug, text: nb.text }));
  const left: NotebookIssue[] = [];
  for (let round = 0; round <= options.notebooks.length; round++) {
    const planned = await planProject(options.warehouse, PRODUCTION, proposed, options.parser);
    if (planned.ok) return { planned, left };
    const bad = new Set(planned.issues.map((issue) => issue.file.replace(/\.md$/, "")));
    const before = proposed.length;
    proposed = proposed.filter((nb) => !bad.has(nb.slug));
    left.push(...planned.issues);
    if (proposed.length === before) return null;
  }
  return null;
}

const tableRow = (row: Record<string, unknown>) => String(row.table_name);

export async function adoptNotebooks(options: AdoptOptions): Promise<AdoptResult> {
  const { warehouse, productionSchema } = options;
  for (const sql of CREATE_METADATA_SQL) await warehouse.exec(sql);
  await ensureLifecycleTables(warehouse);
  if (await hasPromotedProduction(warehouse)) return { adopted: false, reason: "production has been promoted before" };
  // Nothing to promote: the first promotion waits for a notebook (until then runs read the files, as `run` does).
  if (options.notebooks.length === 0) return { adopted: false, reason: "no notebook to promote" };
  const result = await planWhatParses(options);
  if (result === null) return { adopted: false, reason: "no notebook plans" };
  const { planned, left } = result;
  const assetsByName = new Map(planned.assets.map((asset) => [asset.asset, asset]));
  const versions = new Map(planned.plan.assets.flatMap((asset) => (asset.version === null ? [] : [[asset.asset, asset.version] as const])));
  const versionOf = (table: string): string | undefined => {
    const producer = producerOfTable(table.toLowerCase(), (name) => assetsByName.get(name));
    return producer === undefined ? undefined : versions.get(producer.asset);
  };

  // Tables already in production's schema: each moves into its asset's version.
  const existing = (await warehouse.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = ${quoteLiteral(productionSchema)} AND table_type = 'BASE TABLE'`)).map(tableRow);
  // A version a build made already keeps its tables unless production's replace them.
  const built = await versionTables(warehouse);
  const views = await versionViews(warehouse);
  const tablesOf = new Map<string, string[]>();
  const moved: string[] = [];
  const moves: TxStep[] = [];
  for (const table of existing.sort()) {
    const version = versionOf(table);
    if (version === undefined) continue;
    tablesOf.set(version, [...new Set([...(tablesOf.get(version) ?? built.get(version) ?? []), table])].sort());
    moved.push(table);
    moves.push(
      // A build may have made this version already: production's data, newer, replaces it.
      { sql: `DROP TABLE IF EXISTS ${relation(VERSIONS_SCHEMA, versionTable(table, version))}` },
      { sql: `CREATE TABLE ${relation(VERSIONS_SCHEMA, versionTable(table, version))} AS SELECT * FROM ${relation(productionSchema, table)}` },
      { sql: `DROP TABLE ${relation(productionSchema, table)}` },
    );
  }
  // Extract cursors and the like follow their data into the version.
  const keys = (await warehouse.query(`SELECT key FROM ${STATE_TABLE}`)).map((row) => String(row.key));
  for (const key of keys) {
    const movedKey = versionedStateKey(key, versionOf);
    if (movedKey === key) continue;
    moves.push(
      { sql: `INSERT INTO ${STATE_TABLE} (key, value, updated_at) SELECT ${quoteLiteral(movedKey)}, value, updated_at FROM ${STATE_TABLE} WHERE key = ${quoteLiteral(key)}` },
      { sql: `DELETE FROM ${STATE_TABLE} WHERE key = ${quoteLiteral(key)}` },
    );
  }

  const now = (options.now ?? (() => new Date()))();
  const to: ServedState = {
    assets: Object.fromEntries(versions),
    notebooks: Object.fromEntries(planned.texts.map((nb) => [nb.slug, nb.text])),
  };
  const steps: TxStep[] = [
    { guard: { sql: `SELECT 1 AS ok WHERE NOT EXISTS (SELECT 1 FROM ${PROMOTIONS_TABLE})`, message: "production was promoted while adopting the notebooks on disk" } },
    ...moves,
    ...[...versions].flatMap(([asset, version]): TxStep[] => [
      { sql: `DELETE FROM ${VERSIONS_TABLE} WHERE version = ${quoteLiteral(version)}` },
      {
      sql: `INSERT INTO ${VERSIONS_TABLE} (version, asset, tables, built_in, created_at) VALUES (${quoteLiteral(version)}, ${quoteLiteral(asset)}, ${quoteLiteral(JSON.stringify(tablesOf.get(version) ?? built.get(version) ?? []))}, ${quoteLiteral(PRODUCTION)}, ${sqlTimestamp(now)})`,
      },
    ]),
    ...transitionSteps({
      productionSchema,
      from: { assets: {}, notebooks: {} },
      to,
      tablesOf: (version) => tablesOf.get(version) ?? built.get(version) ?? [],
      viewOf: (version) => views.get(version),
      record: { id: INITIAL_PROMOTION, seq: 1, env: INITIAL_PROMOTION, planHash: planned.plan.hash, at: now },
    }),
  ];
  await warehouse.transaction(steps);
  return { adopted: true, assets: [...versions.keys()].sort(), notebooks: Object.keys(to.notebooks).sort(), moved: moved.sort(), left };
}
