"use client";
// The browser's warehouse: DuckDB-WASM in a Web Worker, loaded from the app's own files
// (Turbopack emits the worker and the module as assets; nothing comes from a CDN).
// One database per page: every caller shares the same promise.
import { AsyncDuckDB, VoidLogger } from "@duckdb/duckdb-wasm";
import { WasmSqlReferenceParser } from "@/lib/graph/sql-refs-wasm";
import { FallbackSqlReferenceParser } from "@/lib/graph/sql-refs-fallback";
import { ServerSqlReferenceParser } from "./server-sql-parser";
import type { SqlReferenceParser } from "@/lib/graph/sql-refs";
import { createWasmWarehouse, wasmConnectionFromAsync } from "@/lib/warehouse/duckdb-wasm";
import type { Warehouse } from "@/lib/warehouse/types";

export { loadPreviewIntoWarehouse } from "@/lib/extract/preview-load";

export interface BrowserWarehouse {
  warehouse: Warehouse;
  /** Table references through DuckDB's parser, on a connection of its own. */
  parser: SqlReferenceParser;
  db: AsyncDuckDB;
}

let opening: Promise<BrowserWarehouse> | undefined;

export function openBrowserWarehouse(): Promise<BrowserWarehouse> {
  // A failed start is not cached: the next caller tries again.
  opening ??= start().catch((error: unknown) => {
    opening = undefined;
    throw error;
  });
  return opening;
}

async function start(): Promise<BrowserWarehouse> {
  // The exception-handling build: every browser Assetbook supports has Wasm exceptions.
  const worker = new Worker(new URL("./duckdb-worker.ts", import.meta.url));
  const db = new AsyncDuckDB(new VoidLogger(), worker);
  try {
    await db.instantiate(new URL("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm", import.meta.url).href);
    const connection = await db.connect();
    const parserConnection = await db.connect();
    const warehouse = createWasmWarehouse(wasmConnectionFromAsync(connection));
    // The first call waits for the lockdown and metadata setup, so a broken start shows here.
    await warehouse.query("SELECT 1");
    // The browser's parser binds as it parses; what it rejects the server's parser reads.
    const parser = new FallbackSqlReferenceParser(new WasmSqlReferenceParser(parserConnection), new ServerSqlReferenceParser());
    return { warehouse, parser, db };
  } catch (error) {
    await db.terminate().catch(() => undefined);
    throw error;
  }
}
