import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as duckdbBlocking from "@duckdb/duckdb-wasm/blocking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden";
import { NodeSqlReferenceParser } from "./sql-refs-node";
import { WasmSqlReferenceParser } from "./sql-refs-wasm";
import { qualifiedNames, SqlParseError, unqualifiedNames, type SqlReferenceParser } from "./sql-refs";

const sharedDir = path.join(import.meta.dirname, "__fixtures__", "sql-refs");
const nodeOnlyDir = path.join(import.meta.dirname, "__fixtures__", "sql-refs-node");

function sqlCases(dir: string): { name: string; sql: string; base: string }[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => ({
      name: file.slice(0, -4),
      sql: fs.readFileSync(path.join(dir, file), "utf8"),
      base: path.join(dir, file.slice(0, -4)),
    }));
}

function goldenJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

async function openWasmParser(): Promise<WasmSqlReferenceParser> {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs"));
  const bundles = {
    mvp: { mainModule: path.join(dist, "duckdb-mvp.wasm"), mainWorker: path.join(dist, "duckdb-node-mvp.worker.cjs") },
    eh: { mainModule: path.join(dist, "duckdb-eh.wasm"), mainWorker: path.join(dist, "duckdb-node-eh.worker.cjs") },
  };
  const db = await duckdbBlocking.createDuckDB(bundles, new duckdbBlocking.VoidLogger(), duckdbBlocking.NODE_RUNTIME);
  await db.instantiate(() => {});
  return new WasmSqlReferenceParser(db.connect());
}

let nodeParser: NodeSqlReferenceParser;
let wasmParser: WasmSqlReferenceParser;

beforeAll(async () => {
  [nodeParser, wasmParser] = await Promise.all([NodeSqlReferenceParser.create(), openWasmParser()]);
});
afterAll(() => nodeParser?.close());

describe.each([
  ["node", () => nodeParser],
  ["wasm", () => wasmParser],
] satisfies [string, () => SqlReferenceParser][])("shared golden cases, %s route", (_route, parser) => {
  it.each(sqlCases(sharedDir))("$name", async ({ sql, base }) => {
    const refs = await parser().tableReferences(sql);
    expectGolden(`${base}.json`, goldenJson(unqualifiedNames(refs)));
  });
});

describe("node route", () => {
  it.each(sqlCases(sharedDir))("qualified names: $name", async ({ sql, base }) => {
    expectGolden(`${base}.node.json`, goldenJson(qualifiedNames(await nodeParser.tableReferences(sql))));
  });

  it.each(sqlCases(nodeOnlyDir))("node-only case: $name", async ({ sql, base }) => {
    expectGolden(`${base}.json`, goldenJson(qualifiedNames(await nodeParser.tableReferences(sql))));
  });

  it("keeps schema and catalog apart", async () => {
    const refs = await nodeParser.tableReferences("select * from db.s.bar, main.foo, plain");
    expect(refs).toEqual([{ name: "bar", schema: "s", catalog: "db" }, { name: "foo", schema: "main" }, { name: "plain" }]);
  });

  it("reads SQL with quotes in it (escaped into the literal)", async () => {
    const refs = await nodeParser.tableReferences("select 'it''s' as s, \"we'ird\".x from \"we'ird\"");
    expect(unqualifiedNames(refs)).toEqual(["we'ird"]);
  });

  it("reports a syntax error with its character offset", async () => {
    const sql = "select *\nfrm orders";
    const error = await nodeParser.tableReferences(sql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlParseError);
    expect(error).toMatchObject({ message: expect.stringContaining("syntax error at or near"), position: 13 });
    expect(sql.slice(13, 19)).toBe("orders");
  });

  it("refuses a NUL character with its offset (not a server error)", async () => {
    await expect(nodeParser.tableReferences("select 1 as x\u0000; drop table t")).rejects.toMatchObject({ name: "SqlParseError", position: 13 });
  });

  it("rejects statements that are not SELECT, and more than one statement (a cell or a check is one SELECT)", async () => {
    await expect(nodeParser.tableReferences("create table t as select 1")).rejects.toThrow("expected one SELECT statement; found another kind of statement");
    await expect(nodeParser.tableReferences("select * from a;\nselect * from b join main.c on true;")).rejects.toThrow("expected one SELECT statement, found 2");
  });
});

describe("wasm route", () => {
  it("reports a syntax error with its character offset", async () => {
    const error = await wasmParser.tableReferences("select *\nfrm orders").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlParseError);
    expect(error).toMatchObject({ message: 'syntax error at or near "orders"', position: 13 });
  });

  it("accepts an asynchronous connection (AsyncDuckDBConnection shape)", async () => {
    const parser = new WasmSqlReferenceParser({ getTableNames: async (sql) => (sql.includes("x") ? ["x"] : []) });
    await expect(parser.tableReferences("select * from x")).resolves.toEqual([{ name: "x" }]);
  });

  it("asks DuckDB once per statement text, and hands out copies", async () => {
    const asked: string[] = [];
    const parser = new WasmSqlReferenceParser({ getTableNames: (sql) => (asked.push(sql), ["orders"]) });
    const first = await parser.tableReferences("select * from orders");
    first[0]!.name = "changed";
    expect(await parser.tableReferences("select * from orders")).toEqual([{ name: "orders" }]);
    await parser.tableReferences("select * from orders o");
    expect(asked).toEqual(["select * from orders", "select * from orders o"]);
  });

  it("wraps a non-JSON failure as a SqlParseError", async () => {
    const parser = new WasmSqlReferenceParser({
      getTableNames: () => {
        throw new Error("boom");
      },
    });
    await expect(parser.tableReferences("select 1")).rejects.toThrow(SqlParseError);
  });
});
