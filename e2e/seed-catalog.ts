// Seeds the e2e catalog before the server starts: imports notebooks/*.md, and for each
// table that `assetbook run` wrote into the e2e warehouse records production
// materializations with the table's real columns and row count (a week of history,
// one a day, so the history chart has something to draw).
import { DuckDBInstance } from "@duckdb/node-api";
import { openCatalogStore, recordMaterialization } from "../lib/catalog";
import { parseConfig } from "../lib/config";
import { syncNotebookFiles } from "../lib/catalog/sync-notebooks";
import { ensureWorkspace } from "../lib/catalog/workspaces";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { quoteIdent } from "../lib/warehouse/types";

const warehouse = process.env.ASSETBOOK_WAREHOUSE;
if (!warehouse) throw new Error("ASSETBOOK_WAREHOUSE is not set");

const store = await openCatalogStore(parseConfig(process.env), { onWarning: () => {} });
const { id: workspaceId } = await ensureWorkspace(store.db);
const parser = await NodeSqlReferenceParser.create();
await syncNotebookFiles(store.db, workspaceId, "notebooks", parser);
parser.close();

const duck = await DuckDBInstance.create(warehouse, { access_mode: "READ_ONLY" });
const connection = await duck.connect();
const assets = await store.db.asset.findMany({ where: { workspaceId } });
const day = 24 * 3600_000;
for (const asset of assets) {
  const described = await connection.runAndReadAll(
    `select column_name, data_type from information_schema.columns where table_schema = 'main' and table_name = '${asset.name.replaceAll("'", "''")}' order by ordinal_position`,
  ).catch(() => null);
  const columns = (described?.getRowsJS() ?? []).map(([name, type]) => ({ name: String(name), type: String(type) }));
  if (columns.length === 0) continue;
  const counted = await connection.runAndReadAll(`select count(*) from ${quoteIdent(asset.name)}`);
  const rows = Number(counted.getRowsJS()[0]?.[0] ?? 0);
  for (let i = 6; i >= 0; i--) {
    await recordMaterialization(store.db, {
      assetId: asset.id,
      environment: "production",
      status: "succeeded",
      rows: Math.round(rows * (1 - i * 0.04)),
      columns,
      durationMs: 20 + ((i * 37 + asset.name.length * 11) % 60),
      checks: [{ check: `not_null(${columns[0]?.name ?? "id"})`, severity: "error", passed: true, failures: 0 }],
      createdAt: new Date(Date.now() - i * day - 3600_000),
    });
  }
}
connection.closeSync();
duck.closeSync();
await store.close();
console.log(`seeded ${assets.length} assets`);
