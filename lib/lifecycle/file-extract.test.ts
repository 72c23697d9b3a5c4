// A file extract through the lifecycle on a DuckDB warehouse that reads the file itself: the
// environment's build stages it by SQL into its version (through the versioned warehouse),
// the promotion serves it, and the rows are the file's. The page path is never asked.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { buildEnvironment } from "./build";
import { promoteEnvironment } from "./promote";

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

const text = [
  "---",
  "title: People",
  "---",
  "",
  "```extract people",
  "source: file",
  "path: people.csv",
  "primary_key: id",
  "write_disposition: replace",
  "```",
  "",
  "```sql top",
  "-- checks: not_null(full_name)",
  "select full_name, score from people order by score desc limit 1",
  "```",
  "",
].join("\n");

it("builds a CSV extract into an environment by SQL and promotes it", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-lc-file-"));
  const dataDir = path.join(root, "data");
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dataDir, "people.csv"), "id,Full Name,score\n1,Ann,1.5\n2,Bob,2.5\n3,Cy,0.5\n");
  const warehouse = await openDuckDbWarehouse({ path: path.join(root, "wh.duckdb"), dataDir });
  let pagesRead = 0;
  try {
    const extract = {
      resolveSecret: () => undefined,
      dataDir,
      readFilePages: () => {
        pagesRead++;
        throw new Error("the page path was asked");
      },
    };
    const productionSchema = warehouse.schema;
    const built = await buildEnvironment({ warehouse, productionSchema, env: "dev", proposed: [{ slug: "people", text }], parser, extract });
    if (!built.ok) throw new Error(JSON.stringify(built.issues));
    expect(built.summary.outcomes.map((outcome) => [outcome.asset, outcome.status])).toEqual([
      ["people", "succeeded"],
      ["top", "succeeded"],
    ]);
    expect(await promoteEnvironment({ warehouse, parser, productionSchema, env: "dev" })).toMatchObject({ ok: true });
    expect(await warehouse.query("select id, full_name, score from people order by id")).toEqual([
      { id: 1, full_name: "Ann", score: 1.5 },
      { id: 2, full_name: "Bob", score: 2.5 },
      { id: 3, full_name: "Cy", score: 0.5 },
    ]);
    expect(await warehouse.query("select full_name from top")).toEqual([{ full_name: "Bob" }]);
    expect(pagesRead).toBe(0);
    // Nothing the build staged is left behind.
    const leftovers = await warehouse.query("select table_name from duckdb_tables() where table_name like '\\_ab\\_%' escape '\\'");
    expect(leftovers).toEqual([]);
  } finally {
    await warehouse.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
