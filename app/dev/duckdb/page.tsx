"use client";
// Diagnostics: starts the browser's DuckDB-WASM warehouse and runs a query, showing how
// long the start took. The e2e test checks that it loads from the app's own origin.
import { useEffect, useState } from "react";
import { openBrowserWarehouse } from "@/app/_lib/browser-duckdb";

type Status =
  | { state: "loading" }
  | { state: "ready"; answer: string; tables: string; version: string; startMs: number }
  | { state: "error"; message: string };

export default function DuckDbDiagnosticsPage() {
  const [status, setStatus] = useState<Status>({ state: "loading" });

  useEffect(() => {
    let live = true;
    const started = performance.now();
    void (async () => {
      try {
        const { warehouse, parser } = await openBrowserWarehouse();
        const [row] = await warehouse.query("SELECT 42 AS answer, version() AS version");
        const refs = await parser.tableReferences("WITH w AS (SELECT * FROM rides) SELECT * FROM w, athletes");
        if (live) {
          setStatus({
            state: "ready",
            answer: String(row?.answer),
            version: String(row?.version),
            tables: refs.map((ref) => ref.name).sort().join(", "),
            startMs: Math.round(performance.now() - started),
          });
        }
      } catch (error) {
        if (live) setStatus({ state: "error", message: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  return (
    <section aria-labelledby="duckdb-title">
      <h1 id="duckdb-title">DuckDB-WASM diagnostics</h1>
      <dl data-testid="duckdb-status" data-state={status.state}>
        <dt>State</dt>
        <dd>{status.state}</dd>
        {status.state === "ready" && (
          <>
            <dt>SELECT 42</dt>
            <dd data-testid="duckdb-answer">{status.answer}</dd>
            <dt>Tables read by a sample query</dt>
            <dd data-testid="duckdb-tables">{status.tables}</dd>
            <dt>DuckDB</dt>
            <dd>{status.version}</dd>
            <dt>Start and first query</dt>
            <dd>{status.startMs} ms</dd>
          </>
        )}
        {status.state === "error" && (
          <>
            <dt>Error</dt>
            <dd data-testid="duckdb-error">{status.message}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
