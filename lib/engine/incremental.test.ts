// Incremental SQL cells on DuckDB and PostgreSQL: the first run builds the table, later runs
// compute only the rows the predicate keeps and merge them by the unique key; a change of
// columns asks for a full refresh; checks judge the merged table.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseNotebook } from "../notebook";
import { formatIssue, type SqlCell } from "../notebook/types";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../warehouse/postgres";
import type { Warehouse } from "../warehouse/types";
import { incrementalMergeSql, incrementalRowsSql } from "./incremental-sql";
import { materializeSql } from "./materialize";

const fence = "```";

function cellOf(select: string, header = ["-- materialized: incremental", "-- unique_key: id", "-- incremental: id >= (select max(id) from this)", "-- checks: unique(id)"]): SqlCell {
  const parsed = parseNotebook([`${fence}sql totals`, ...header, select, fence].join("\n"), "nb.md");
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
  const cell = parsed.notebook.cells.find((c) => c.type === "asset");
  if (cell?.kind !== "sql") throw new Error("no sql cell");
  return cell;
}

async function incrementalRuns(warehouse: Warehouse): Promise<void> {
  const rows = async () => (await warehouse.query("select id, v from totals order by id")).map((row) => [Number(row.id), String(row.v)]);
  const cell = cellOf("select id, v from events");
  await warehouse.exec("create table events as select * from (values (1, 'a'), (2, 'b'), (3, 'c')) t(id, v)");
  expect(await materializeSql(warehouse, cell)).toMatchObject({ ok: true, rows: 3 });

  // id 3 changed and 4, 5 arrived; 1 and 2 changed too, but the predicate leaves them out: they stay as they were.
  await warehouse.exec("delete from events; insert into events values (1, 'A'), (2, 'B'), (3, 'C'), (4, 'd'), (5, 'e')");
  expect(await materializeSql(warehouse, cell)).toMatchObject({ ok: true, rows: 5, checks: [{ check: "unique(id)", passed: true }] });
  expect(await rows()).toEqual([[1, "a"], [2, "b"], [3, "C"], [4, "d"], [5, "e"]]);

  // A full refresh builds it whole.
  expect(await materializeSql(warehouse, cell, undefined, { fullRefresh: true })).toMatchObject({ ok: true, rows: 5 });
  expect(await rows()).toEqual([[1, "A"], [2, "B"], [3, "C"], [4, "d"], [5, "e"]]);

  // Other columns: the merge refuses, naming the way out; the table stays.
  const wider = cellOf("select id, v, 1 as extra from events");
  const refused = await materializeSql(warehouse, wider);
  expect(refused.ok).toBe(false);
  expect(refused.ok ? "" : refused.reason).toMatch(/the columns changed since the last build \(id, v -> extra, id, v\).*full refresh/);
  expect(await rows()).toHaveLength(5);
  expect(await materializeSql(warehouse, wider, undefined, { fullRefresh: true })).toMatchObject({ ok: true, rows: 5 });
}

describe("incremental SQL cells", () => {
  it("on DuckDB", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-incremental-"));
    const warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
    try {
      await incrementalRuns(warehouse);
    } finally {
      await warehouse.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.runIf(adminUrl !== undefined)("on PostgreSQL", () => {
    const databases = pgDatabases("incremental");
    afterAll(() => databases.dropAll());
    it("merges the same way", async () => {
      const warehouse = await openPostgresWarehouse({ connectionString: await databases.fresh() });
      try {
        await incrementalRuns(warehouse);
      } finally {
        await warehouse.close();
      }
    });
  });

  it("the SQL: the predicate over the cell's output with `this`, then a merge by key in the target's column order", () => {
    expect(incrementalRowsSql("select * from e", "totals", "id > (select max(id) from this)")).toBe(
      'WITH this AS (SELECT * FROM "totals")\nSELECT * FROM (\nselect * from e\n) AS new_rows\nWHERE (\nid > (select max(id) from this)\n)',
    );
    expect(incrementalRowsSql("select 1", "t", undefined)).toBe("select 1");
    expect(incrementalMergeSql({ stage: "s", target: "t", newRows: "n", columns: ["a", "b"], key: ["a", "b"] })).toBe(
      'CREATE TABLE "s" AS SELECT "a", "b" FROM "t" AS t WHERE NOT EXISTS (SELECT 1 FROM "n" AS n WHERE n."a" = t."a" AND n."b" = t."b") UNION ALL SELECT "a", "b" FROM "n"',
    );
  });

  it("a materialization's keys are checked where they are written", () => {
    const issues = (...header: string[]) => {
      const parsed = parseNotebook([`${fence}sql t`, ...header, "select 1 as id", fence].join("\n"), "nb.md");
      return parsed.ok ? [] : parsed.issues.map(formatIssue);
    };
    expect(issues("-- materialized: incremental")).toEqual(['nb.md:2:18 cell "t": materialized: an incremental cell needs -- unique_key: the columns its new rows replace old ones by']);
    expect(issues("-- unique_key: id")).toEqual(['nb.md:2:16 cell "t": unique_key: unique_key is for -- materialized: incremental']);
    expect(issues("-- materialized: view")).toEqual([]);
    expect(issues("-- materialized: ephemeral")).toEqual(['nb.md:2:18 cell "t": materialized: materialized: ephemeral is not supported: use view (its SQL runs when it is read, nothing is stored)']);
    expect(issues("-- materialized: view", "-- unique_key: id")).toEqual(['nb.md:3:16 cell "t": unique_key: unique_key is for -- materialized: incremental']);
    expect(issues("-- materialized: table")).toEqual([]);
    const partitioned = parseNotebook(["---", "partitions: { type: static, keys: [eu, us] }", "---", "", `${fence}sql v`, "-- materialized: view", "select 1 as id", fence].join("\n"), "nb.md");
    expect(partitioned.ok ? [] : partitioned.issues.map(formatIssue)).toEqual([expect.stringMatching(/^nb\.md:5:1 cell "v": materialized: a view cannot be in a partitioned notebook/)]);
  });
});
