"use client";
// `window.__assetbook.query(sql)`: reads the page's own warehouse, for tests and the console
// (the page runs its user's SQL anyway; nothing here leaves the browser).
import { useEffect } from "react";
import type { Row, Warehouse } from "@/lib/warehouse/types";

declare global {
  interface Window {
    __assetbook?: { query: (sql: string) => Promise<Row[]> };
  }
}

export function useWarehouseDebugHook(warehouse: Warehouse | undefined): void {
  useEffect(() => {
    if (!warehouse) return;
    window.__assetbook = { query: (sql) => warehouse.query(sql) };
    return () => {
      delete window.__assetbook;
    };
  }, [warehouse]);
}
