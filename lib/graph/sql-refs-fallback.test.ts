import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FallbackSqlReferenceParser } from "./sql-refs-fallback";
import { NodeSqlReferenceParser } from "./sql-refs-node";
import { SqlParseError } from "./sql-refs";
import { WasmSqlReferenceParser } from "./sql-refs-wasm";

import { openNodeWasmDatabase } from "../warehouse/duckdb-wasm-node";

let node: NodeSqlReferenceParser;
let wasm: WasmSqlReferenceParser;
beforeAll(async () => {
  node = await NodeSqlReferenceParser.create();
  wasm = new WasmSqlReferenceParser((await openNodeWasmDatabase()).connect());
});
afterAll(() => node.close());

describe("FallbackSqlReferenceParser", () => {
  const usingJoin = "select * from orders join customers using (customer_id)";

  it("answers what the browser's binder rejects (USING joins) through the fallback", async () => {
    await expect(wasm.tableReferences(usingJoin)).rejects.toBeInstanceOf(SqlParseError);
    const refs = await new FallbackSqlReferenceParser(wasm, node).tableReferences(usingJoin);
    expect(refs.map((r) => r.name).sort()).toEqual(["customers", "orders"]);
  });

  it("keeps the fallback's error for SQL that does not parse", async () => {
    const parser = new FallbackSqlReferenceParser(wasm, node);
    const error = await parser.tableReferences("select * fro orders").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlParseError);
  });
});
