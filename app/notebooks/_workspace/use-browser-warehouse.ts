"use client";
// The browser's DuckDB-WASM warehouse, opened once per page load and shared.
import { useEffect, useState } from "react";
import type { SqlReferenceParser } from "@/lib/graph";
import type { Warehouse } from "@/lib/warehouse/types";

export type BrowserWarehouse =
  | { status: "loading" }
  | { status: "ready"; warehouse: Warehouse; parser: SqlReferenceParser }
  | { status: "failed"; error: string };

let opening: Promise<{ warehouse: Warehouse; parser: SqlReferenceParser }> | undefined;

function open(): Promise<{ warehouse: Warehouse; parser: SqlReferenceParser }> {
  opening ??= import("@/app/_lib/browser-duckdb").then(async ({ openBrowserWarehouse }) => {
    const { warehouse, parser } = await openBrowserWarehouse();
    return { warehouse, parser };
  });
  return opening;
}

// Started as soon as the notebook's code arrives, before React hydrates the page: the
// module takes seconds to compile and start, and nothing on the page needs it sooner.
if (typeof window !== "undefined") open().catch(() => undefined);

export function useBrowserWarehouse(): BrowserWarehouse {
  const [state, setState] = useState<BrowserWarehouse>({ status: "loading" });
  useEffect(() => {
    let live = true;
    open().then(
      ({ warehouse, parser }) => live && setState({ status: "ready", warehouse, parser }),
      (error: unknown) => live && setState({ status: "failed", error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
