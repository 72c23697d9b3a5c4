// Build a plan into an environment: the same executor, checks and retries as production,
// over a warehouse whose writes land in new versions and whose reads see the
// environment's views (its versions, else production's, read in place: nothing is copied).
// It never writes a production table.
import type { ExtractContext } from "../extract/run";
import type { SqlReferenceParser } from "../graph";
import { producerOfTable } from "../graph";
import type { RunEvent, RunSummary } from "../engine/events";
import type { AssetCell, NotebookIssue } from "../notebook/types";
import { buildStages } from "./build-stages";
import { checkInPlace } from "./check-in-place";
import { projectWorkspace } from "./definitions";
import type { TxStep, Warehouse } from "../warehouse/types";
import { BUILDS_TABLE, envSchema, PLANS_TABLE, NOTEBOOKS_TABLE, ASSETS_TABLE, VERSIONS_TABLE, VERSIONS_SCHEMA, quoteIdent, quoteLiteral, servedTarget, sqlTimestamp, viewSqlSteps } from "./layout";
import { producerOfInput, projectGraph, type Plan } from "./plan";
import { unqualifyCell } from "./unqualify";
import { viewsLast } from "./transition";
import { planProject, type ProposedNotebook } from "./project";
import { ensureLifecycleTables, versionTables, versionViews } from "./store";
import type { SqlSyntax } from "./syntax";
import { versionedWarehouse } from "./versioned-warehouse";

export interface BuildOptions {
  /** The warehouse as production sees it (its schema holds production's table names). */
  warehouse: Warehouse;
  productionSchema: string;
  env: string;
  proposed: readonly ProposedNotebook[];
  parser: SqlReferenceParser & SqlSyntax;
  extract?: Omit<ExtractContext, "onProgress" | "now">;
  onEvent?: (event: RunEvent) => void;
  now?: () => Date;
  /** Partition keys to build of the partitioned notebooks with changes (default: each one's newest). */
  partitions?: readonly string[];
  /** `--select`: build only the selected assets (the plan names what it leaves out). */
  select?: string;
}

export type BuildResult =
  | { ok: false; issues: NotebookIssue[] }
  | { ok: true; plan: Plan; summary: RunSummary; built: string[]; reused: string[] };


/** The steps that (re)make an environment's records and views for what it serves without building. */
function servedSteps(env: string, served: readonly { asset: string; version: string; tables: readonly string[] }[], views: ReadonlyMap<string, string>): TxStep[] {
  return served.flatMap(({ asset, version, tables }) => [
    ...tables.map((table): TxStep => ({ view: { schema: envSchema(env), name: table, target: servedTarget(table, version, views.get(version)) } })),
    { sql: `INSERT INTO ${ASSETS_TABLE} (env, asset, version) VALUES (${quoteLiteral(env)}, ${quoteLiteral(asset)}, ${quoteLiteral(version)})` },
  ]);
}

export async function buildEnvironment(options: BuildOptions): Promise<BuildResult> {
  const { warehouse, env, parser } = options;
  const now = options.now ?? (() => new Date());
  await ensureLifecycleTables(warehouse);
  const planned = await planProject(warehouse, env, options.proposed, parser, {
    now: now(),
    ...(options.partitions ? { partitions: options.partitions } : {}),
    ...(options.select === undefined ? {} : { select: options.select }),
  });
  if (!planned.ok) return planned;
  const { plan, texts } = planned;
  const existing = await versionTables(warehouse);
  const existingViews = await versionViews(warehouse);

  // The environment afresh: its views, records and texts as this plan says.
  const schema = envSchema(env);
  const served = plan.assets.flatMap((asset) => {
    if (asset.version === null) return [];
    const tables = existing.get(asset.version);
    // Built before (by this or another environment) and kept: served as it is, not built again.
    // A version production adopted but never ran has no table yet: it is built. So is a
    // partitioned one: this plan's partitions are written into it (the others stay), so
    // that what production backfills after the promotion is exactly the rest.
    return tables === undefined || tables.length === 0 || asset.partitions !== undefined ? [] : [{ asset: asset.asset, version: asset.version, tables }];
  });
  const reused = served.filter((s) => plan.build.includes(s.asset)).map((s) => s.asset);
  await warehouse.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await warehouse.exec(`CREATE SCHEMA ${quoteIdent(schema)}`);
  await warehouse.transaction([
    { sql: `DELETE FROM ${ASSETS_TABLE} WHERE env = ${quoteLiteral(env)}` },
    { sql: `DELETE FROM ${NOTEBOOKS_TABLE} WHERE env = ${quoteLiteral(env)}` },
    ...texts.map((nb): TxStep => ({ sql: `INSERT INTO ${NOTEBOOKS_TABLE} (env, slug, text) VALUES (${quoteLiteral(env)}, ${quoteLiteral(nb.slug)}, ${quoteLiteral(nb.text)})` })),
    { sql: `DELETE FROM ${PLANS_TABLE} WHERE env = ${quoteLiteral(env)}` },
    { sql: `INSERT INTO ${PLANS_TABLE} (env, plan, status, updated_at) VALUES (${quoteLiteral(env)}, ${quoteLiteral(JSON.stringify(plan))}, 'building', ${sqlTimestamp(now())})` },
    ...servedSteps(env, served, existingViews),
  ]);

  // The cells to build, from every notebook, in the project's graph order.
  const toBuild = new Set(plan.build.filter((asset) => !reused.includes(asset)));
  // Planned above, so it parsed: the workspace the project's notebooks are defined in.
  const workspace = projectWorkspace(texts);
  const graph = projectGraph(planned.assets);
  const assetsByName = new Map(planned.assets.map((asset) => [asset.asset, asset]));
  // A name written with production's schema or an asset's own would read production past the
  // environment's views: the environment runs it bare.
  const productionSchema = options.productionSchema.toLowerCase();
  const isAsset = (schema: string, name: string) => producerOfInput(`${schema === productionSchema ? "main" : schema}.${name}`, (asset) => assetsByName.get(asset)) !== undefined;
  const localize = (cell: AssetCell) => unqualifyCell(cell, parser, isAsset);
  const versions = new Map(plan.assets.flatMap((asset) => (asset.version === null ? [] : [[asset.asset, asset.version] as const])));
  const written = new Map<string, Set<string>>();
  const viewSql = new Map<string, string>();
  const scoped = versionedWarehouse(warehouse.inSchema(VERSIONS_SCHEMA, [schema, options.productionSchema]), {
    versionOf: (table) => {
      const producer = producerOfTable(table.toLowerCase(), (name) => assetsByName.get(name));
      return producer === undefined ? undefined : versions.get(producer.asset);
    },
    viewSchemas: [schema],
    // A source outside the project is read where production has it.
    describeElsewhere: (table) => warehouse.describe(table),
    onWritten: ({ table, version, view }) => {
      written.set(version, new Set([...(written.get(version) ?? []), table]));
      if (view !== undefined) viewSql.set(version, view);
    },
  });
  const built = await buildStages({
    parser,
    ...(options.extract ? { extract: options.extract } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    warehouse: scoped,
    order: graph.topoOrder().filter((name) => toBuild.has(name)),
    upstream: (name) => graph.upstream(name),
    notebookOf: (name) => assetsByName.get(name)?.notebook ?? "",
    kindOf: (name) => assetsByName.get(name)?.kind ?? "sql",
    texts: new Map(texts.map((nb) => [nb.slug, nb.text])),
    keysOf: (slug) => plan.assets.find((asset) => asset.notebook === slug && asset.partitions)?.partitions?.build ?? [],
    // A contract compares a new version with what production serves, not with the version's own (new) table.
    baseline: (asset) => warehouse.describe(asset),
    localize,
    ...(workspace.ok ? { workspace: workspace.workspace } : {}),
  });
  if (!built.ok) {
    // Nothing ran: the environment says its build failed rather than that it is still building.
    await warehouse.exec(`UPDATE ${PLANS_TABLE} SET status = 'failed', updated_at = ${sqlTimestamp(now())} WHERE env = ${quoteLiteral(env)}`);
    return built;
  }
  // What the build did not run but whose checks changed: its checks run on the version read in place.
  const checked = await checkInPlace({
    warehouse: scoped,
    parser,
    texts: new Map(texts.map((nb) => [nb.slug, nb.text])),
    ...(workspace.ok ? { workspace: workspace.workspace } : {}),
    assets: plan.assets.filter((asset) => asset.metadataChanged && asset.version !== null && !toBuild.has(asset.asset) && asset.excluded !== true),
    localize,
  });
  if (!checked.ok) return checked;
  for (const outcome of checked.outcomes) options.onEvent?.({ type: "asset_finished", outcome });
  const outcomes = [...built.summary.outcomes, ...checked.outcomes];
  const summary = { ...built.summary, outcomes, ok: outcomes.every((outcome) => outcome.status === "succeeded") };

  // Record each built version (its tables) and that the environment serves it.
  // A reused view asset's view was made before the build; PostgreSQL bound its names then, so
  // an input this build made since (a partitioned one) would be production's: made again.
  const servedViews = served.filter((s) => existingViews.has(s.version));
  const viewOrder = viewsLast(servedViews.map((s) => s.asset), (asset) => existingViews.get(servedViews.find((s) => s.asset === asset)?.version ?? ""));
  const steps: TxStep[] = viewOrder.flatMap((asset) =>
    servedViews.filter((s) => s.asset === asset).flatMap(({ version, tables }) => tables.map((table): TxStep => ({ view: { schema, name: table, target: servedTarget(table, version, existingViews.get(version)) } }))),
  );
  // A partitioned asset is built when every partition it was built for succeeded.
  const failed = new Set(summary.outcomes.filter((outcome) => outcome.status !== "succeeded").map((outcome) => outcome.asset.toLowerCase()));
  for (const asset of new Set(summary.outcomes.map((outcome) => outcome.asset.toLowerCase()))) {
    const version = versions.get(asset);
    // Only what this build wrote is a version it records (a check run in place wrote nothing).
    if (failed.has(asset) || version === undefined || !toBuild.has(asset)) continue;
    const tables = [...(written.get(version) ?? [])].sort();
    steps.push(
      { sql: `DELETE FROM ${VERSIONS_TABLE} WHERE version = ${quoteLiteral(version)}` },
      { sql: `INSERT INTO ${VERSIONS_TABLE} (version, asset, tables, built_in, created_at) VALUES (${quoteLiteral(version)}, ${quoteLiteral(asset)}, ${quoteLiteral(JSON.stringify(tables))}, ${quoteLiteral(env)}, ${sqlTimestamp(now())})` },
      { sql: `INSERT INTO ${ASSETS_TABLE} (env, asset, version) VALUES (${quoteLiteral(env)}, ${quoteLiteral(asset)}, ${quoteLiteral(version)})` },
      ...viewSqlStepsOf(version),
    );
  }
  function viewSqlStepsOf(version: string): TxStep[] {
    const sql = viewSql.get(version);
    return sql === undefined ? [] : viewSqlSteps(version, sql);
  }
  const status = summary.ok ? "built" : "failed";
  steps.push(
    { sql: `UPDATE ${PLANS_TABLE} SET status = ${quoteLiteral(status)}, updated_at = ${sqlTimestamp(now())} WHERE env = ${quoteLiteral(env)}` },
    { sql: `DELETE FROM ${BUILDS_TABLE} WHERE env = ${quoteLiteral(env)}` },
    { sql: `INSERT INTO ${BUILDS_TABLE} (env, outcomes, ok, built_at) VALUES (${quoteLiteral(env)}, ${quoteLiteral(JSON.stringify(summary.outcomes))}, ${summary.ok ? "TRUE" : "FALSE"}, ${sqlTimestamp(now())})` },
  );
  await warehouse.transaction(steps);
  return { ok: true, plan, summary, built: [...toBuild], reused };
}
