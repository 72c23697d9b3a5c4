// Child process for the kill test: materializes a slow asset over an existing table and
// prints "building" just before the work starts, so the parent can SIGKILL it mid-way.
import { materializeSql } from "../materialize";
import { sqlCell } from "../test-cells";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";

const [dbPath, dataDir, rows] = process.argv.slice(2);
if (!dbPath || !dataDir || !rows) throw new Error("usage: materialize-child DB DATA_DIR ROWS");
const warehouse = await openDuckDbWarehouse({ path: dbPath, dataDir });
process.stdout.write("building\n");
const result = await materializeSql(
  warehouse,
  sqlCell("target", `select i as id, 'new' as version, md5(i::varchar) as h from range(${rows}) as t(i)`, [
    { type: "not_null", column: "id", severity: "error" },
  ]),
);
process.stdout.write(result.ok ? "done\n" : `failed ${result.reason}\n`);
await warehouse.close();
