"use client";
// Runs the notebook's text reactively on the browser warehouse: every edit (debounced)
// reruns the changed cells and what is below them. The tables the notebook declares
// `external` are loaded once per page load (a new session), before the cells that read them.
import { useCallback, useEffect, useRef, useState } from "react";
import { busyThrottle } from "@/lib/engine/busy-throttle";
import { ReactiveSession, type CellMaterializer, type ExternalLoader, type ReactiveSnapshot } from "@/lib/engine/reactive";
import type { SqlReferenceParser } from "@/lib/graph";
import type { Warehouse } from "@/lib/warehouse/types";
import type { Workspace } from "@/lib/notebook/workspace-file";
import { setCompletionSchema } from "./monaco";
import { notebookTables, readSchema } from "./schema";

export const DEBOUNCE_MS = 300;
/** While cells run, the page re-renders at most this often (lib/engine/busy-throttle.ts): at 150 ms, bench/reactive measured 1.63x bare, at 400 ms 1.25x (each render takes CPU the DuckDB worker needs). */
const BUSY_RENDER_MS = 400;

const isBusy = (snapshot: ReactiveSnapshot) => snapshot.cells.some((c) => c.state === "running" || c.state === "queued");

export interface Reactive {
  snapshot: ReactiveSnapshot | undefined;
  run: (name: string) => void;
  /** Runs a partitioned notebook with another partition (null: the newest that has started). */
  setPartition: (key: string | null) => void;
  /** Bumped after each run, when the tables may have changed. */
  version: number;
  /** Says the user edits now: the debounce of the text this edit makes counts from here, not from React's commit of it. */
  noteEdit: () => void;
}

export function useReactive(
  engine: { warehouse: Warehouse; parser: SqlReferenceParser } | undefined,
  file: string,
  text: string,
  materializeOther: CellMaterializer,
  loadExternal: ExternalLoader,
  /** The partition a partitioned notebook opens on (null: the newest that has started). */
  initialPartition: string | null = null,
  /** The workspace file's development values. */
  workspace?: Workspace,
): Reactive {
  const [snapshot, setSnapshot] = useState<ReactiveSnapshot>();
  const [version, setVersion] = useState(0);
  const [session, setSession] = useState<ReactiveSession>();
  const other = useRef(materializeOther);
  const external = useRef(loadExternal);
  const first = useRef(true);
  const latestWorkspace = useRef(workspace);
  /** When the user last edited (performance.now()); null: the text changed otherwise (a full debounce). */
  const editedAt = useRef<number | null>(null);

  useEffect(() => {
    other.current = materializeOther;
  }, [materializeOther]);

  useEffect(() => {
    external.current = loadExternal;
  }, [loadExternal]);

  useEffect(() => {
    if (!engine) return;
    let lastRuns = -1;
    const shown = busyThrottle(setSnapshot, isBusy, BUSY_RENDER_MS);
    const created = new ReactiveSession({
      warehouse: engine.warehouse,
      parser: engine.parser,
      file,
      partition: initialPartition,
      ...(latestWorkspace.current ? { workspace: latestWorkspace.current } : {}),
      materializeOther: (cell, warehouse, run) => other.current(cell, warehouse, run),
      loadExternal: (table, warehouse) => external.current(table, warehouse),
      onChange: (next) => {
        shown.push(next);
        const runs = next.cells.reduce((sum, c) => sum + c.runs, 0);
        if (!isBusy(next) && runs !== lastRuns) {
          lastRuns = runs;
          setVersion((v) => v + 1);
          const notebook = next.notebook;
          if (notebook) void readSchema(engine.warehouse).then((tables) => setCompletionSchema(notebookTables(tables, notebook)), () => undefined);
        }
      },
    });
    first.current = true;
    setSession(created);
    return () => shown.cancel();
    // The initial partition only seeds a new session; choosing another goes through setPartition.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine, file]);

  useEffect(() => {
    if (!session) return;
    const since = editedAt.current === null ? 0 : performance.now() - editedAt.current;
    const delay = first.current ? 0 : Math.max(0, DEBOUNCE_MS - since);
    first.current = false;
    editedAt.current = null;
    const timer = setTimeout(() => void session.update(text).catch(() => undefined), delay);
    return () => clearTimeout(timer);
  }, [session, text]);

  useEffect(() => {
    if (latestWorkspace.current === workspace) return;
    latestWorkspace.current = workspace;
    if (session && workspace) void session.setWorkspace(workspace).catch(() => undefined);
  }, [session, workspace]);

  const run = useCallback((name: string) => void session?.run(name).catch(() => undefined), [session]);
  const setPartition = useCallback((key: string | null) => void session?.setPartition(key).catch(() => undefined), [session]);
  const noteEdit = useCallback(() => {
    editedAt.current = performance.now();
  }, []);
  return { snapshot, run, setPartition, version, noteEdit };
}
