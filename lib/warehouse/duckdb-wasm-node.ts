// DuckDB-WASM under Node with the blocking bindings, from the package's own files: used by
// the conformance suite (the same adapter code the browser runs, minus the Web Worker).
import path from "node:path";
import { createRequire } from "node:module";
import { createDuckDB, NODE_RUNTIME, VoidLogger, type DuckDBBindings } from "@duckdb/duckdb-wasm/blocking";

/** Instantiates an in-memory DuckDB-WASM database (about 2 s: it compiles the module). */
export async function openNodeWasmDatabase(): Promise<DuckDBBindings> {
  const dist = path.dirname(createRequire(import.meta.url).resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"));
  const bundles = {
    mvp: { mainModule: path.join(dist, "duckdb-mvp.wasm"), mainWorker: path.join(dist, "duckdb-node-mvp.worker.cjs") },
    eh: { mainModule: path.join(dist, "duckdb-eh.wasm"), mainWorker: path.join(dist, "duckdb-node-eh.worker.cjs") },
  };
  const db = await createDuckDB(bundles, new VoidLogger(), NODE_RUNTIME);
  await db.instantiate();
  return db;
}
