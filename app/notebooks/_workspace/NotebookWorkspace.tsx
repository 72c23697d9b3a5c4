"use client";
// The notebook page: the file's cells as editors. The text is the source of truth: every
// edit changes the draft, whose canonical text runs reactively (debounced) on DuckDB-WASM.
import { declaredParams } from "@/lib/notebook/declared-params";
import { emptyWorkspace, workspaceFromJson, WORKSPACE_FILE, type Workspace, type WorkspaceJson } from "@/lib/notebook/workspace-file";
import { formatIssue, type NotebookIssue } from "@/lib/notebook/types";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { producedElsewhere, type AssetProducer } from "@/lib/graph/producers";
import type { AssetCell } from "@/lib/notebook/types";
import { cellProblems, type CellProblem } from "@/lib/workspace/cell-markers";
import {
  deleteCell,
  draftFromText,
  draftToText,
  insertCell,
  templateBody,
  uniqueName,
  updateCell,
  type AssetDraft,
  type DraftCell,
  type NotebookDraft,
} from "@/lib/workspace/draft";
import { AssetCellView } from "./AssetCellView";
import { makeCellHandlers, type CellHandlers, type PageState } from "./cell-handlers";
import { ConflictBanner } from "./ConflictBanner";
import { AddCellBar } from "./AddCellBar";
import { GraphSide } from "./GraphSide";
import { PartitionSelect } from "./PartitionSelect";
import { ProseCellView } from "./ProseCellView";
import { Toolbar } from "./Toolbar";
import { ProductionStatus } from "./ProductionStatus";
import { FreshnessBadge, type NotebookFreshness } from "./FreshnessBadge";
import { ProposeChanges } from "./ProposeChanges";
import { RunButton } from "@/app/runs/_components/RunButton";
import { previewMaterializer } from "./extract-preview";
import { PREVIEW_CAPS, PreviewCap } from "./PreviewCap";
import { loadFromProduction } from "./production-tables";
import { ProductionNote } from "./ProductionNote";
import { FocusRegistry, Latest } from "./focus-registry";
import { MlJobsContext } from "./ml/ml-context";
import { SessionBusyContext } from "./session-busy";
import { MlJobs } from "./ml/ml-jobs";
import { useWarehouseDebugHook } from "./ml/debug-hook";
import { useBrowserWarehouse } from "./use-browser-warehouse";
import { useReactive } from "./use-reactive";
import { useSave } from "./use-save";
import "../notebook.css";

const NO_PROBLEMS: readonly CellProblem[] = [];

let lastId = 0;
const newId = () => `c${++lastId}`;

interface Props {
  slug: string;
  initialText: string;
  initialHash: string;
  initialDraft: NotebookDraft;
  /** Assets the workspace's other notebooks produce (an asset has one producer). */
  otherProducers: AssetProducer[];
  /** Production's text of this notebook (null: not in production); undefined before the workspace's first promotion. */
  production?: { text: string | null };
  /** Reviews (null: the member may not propose): other notebooks with changes, and this one's open reviews. */
  reviews?: { canPropose: boolean; otherChanged: string[]; open: { number: number; title: string }[] } | null;
  /** A partitioned notebook opens on this partition (the newest production has rows for); null: the newest that has started. */
  initialPartition?: string | null;
  /** Its assets' freshness under their policies (those that have one). */
  freshness?: readonly NotebookFreshness[];
  /** The workspace file's development values (notebooks/assetbook.yml; null: none), or its mistakes. */
  workspace?: EditorWorkspace;
}

/** What the page hands the editor of the workspace file: its values as the browser may see them, or its mistakes. */
export type EditorWorkspace = { workspace: WorkspaceJson } | { issues: NotebookIssue[] } | null;

/** Per other notebook: the assets this one shares with it, and their lines here. */
function sharedWithOthers(shared: ReturnType<typeof producedElsewhere>): { file: string; assets: string[]; lines: number[] }[] {
  const byFile = new Map<string, { file: string; assets: string[]; lines: number[] }>();
  for (const { own, elsewhere } of shared) {
    for (const other of elsewhere) {
      const entry = byFile.get(other.file) ?? { file: other.file, assets: [], lines: [] };
      entry.assets.push(own.asset);
      entry.lines.push(own.line);
      byFile.set(other.file, entry);
    }
  }
  return [...byFile.values()];
}

/** The workspace file's development values; a file with mistakes runs as none, and says why. */
function developmentWorkspace(given: EditorWorkspace): { workspace: Workspace; issues: NotebookIssue[] } {
  if (given === null) return { workspace: emptyWorkspace("development"), issues: [] };
  return "issues" in given ? { workspace: emptyWorkspace("development"), issues: given.issues } : { workspace: workspaceFromJson(given.workspace), issues: [] };
}

function titleOf(draft: NotebookDraft, slug: string): string {
  const line = draft.frontMatterText.split("\n").find((l) => l.startsWith("title:"));
  const title = line?.slice("title:".length).trim().replace(/^(["'])(.*)\1$/, "$2");
  return title || slug;
}

export function NotebookWorkspace({ slug, initialText, initialHash, initialDraft, otherProducers, production, reviews = null, initialPartition = null, workspace: workspaceProp = null, freshness }: Props) {
  const file = `notebooks/${slug}.md`;
  const [draft, setDraft] = useState(initialDraft);
  const text = useMemo(() => draftToText(draft, file), [draft, file]);
  const [latestText] = useState(() => new Latest(text));
  useEffect(() => latestText.set(text), [latestText, text]);

  const saver = useSave(slug, initialText, initialHash);
  const dirty = text !== saver.savedText;
  const engine = useBrowserWarehouse();
  const ready = useMemo(() => (engine.status === "ready" ? { warehouse: engine.warehouse, parser: engine.parser } : undefined), [engine]);
  const [mlJobs] = useState(() => new MlJobs());
  const [previewCap, setPreviewCap] = useState<number>(PREVIEW_CAPS[0]);
  const [latestCap] = useState(() => new Latest(previewCap));
  useEffect(() => latestCap.set(previewCap), [latestCap, previewCap]);
  const materializeOther = useMemo(() => mlJobs.materializer(previewMaterializer(slug, latestText.get, latestCap.get)), [mlJobs, slug, latestText, latestCap]);
  useWarehouseDebugHook(ready?.warehouse);
  const workspace = useMemo(() => developmentWorkspace(workspaceProp), [workspaceProp]);
  const { snapshot, run, setPartition, noteEdit } = useReactive(ready, file, text, materializeOther, loadFromProduction, initialPartition, workspace.workspace);

  const [focusedId, setFocusedId] = useState<string>();
  const [registry] = useState(() => new FocusRegistry());

  const focusCell = useCallback(
    (id: string) => {
      document.querySelector(`[data-cell-id="${id}"]`)?.scrollIntoView({ block: "nearest", behavior: "smooth" });
      registry.focus(id);
    },
    [registry],
  );

  const edit = useCallback(
    (change: (d: NotebookDraft) => NotebookDraft) => {
      noteEdit();
      setDraft(change);
    },
    [noteEdit],
  );

  const addBelow = useCallback(
    (afterId: string | null, kind: "sql" | "chart" | "prose") => {
      const id = newId();
      setDraft((d) => {
        const above = [...d.cells.slice(0, afterId === null ? d.cells.length : d.cells.findIndex((c) => c.id === afterId) + 1)]
          .reverse()
          .find((c): c is AssetDraft => c.type === "asset" && (c.kind === "sql" || c.kind === "extract"));
        const cell: DraftCell =
          kind === "prose"
            ? { id, type: "prose", text: "" }
            : { id, type: "asset", kind, name: uniqueName(d, kind === "chart" ? "chart" : "new_asset"), infoRest: "", body: templateBody(kind, above?.name) };
        return insertCell(d, afterId ?? d.cells[d.cells.length - 1]?.id ?? null, cell);
      });
      setFocusedId(id);
      registry.focusWhenReady(id);
    },
    [registry],
  );

  const save = useCallback(() => void saver.save(text), [saver, text]);
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  }, [save]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        saveRef.current();
      }
    };
    window.addEventListener("keydown", onKey, { capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, []);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const parsedByName = useMemo(() => {
    const map = new Map<string, AssetCell>();
    for (const cell of snapshot?.notebook?.cells ?? []) if (cell.type === "asset") map.set(cell.name, cell);
    return map;
  }, [snapshot]);
  const statusByName = useMemo(() => new Map(snapshot?.cells.map((c) => [c.name, c])), [snapshot]);
  const busy = snapshot?.cells.some((c) => c.state === "queued" || c.state === "running") ?? false;
  const problems = useMemo(
    () =>
      cellProblems({
        draft,
        text,
        issues: snapshot?.issues ?? [],
        statuses: snapshot?.cells ?? [],
        sqlOf: (name) => {
          const cell = parsedByName.get(name);
          return cell?.kind === "sql" ? cell.config.sql : undefined;
        },
      }),
    [draft, text, snapshot, parsedByName],
  );
  // An asset another notebook also produces is the workspace's problem, not this cell's run: one line per other file, above the cells.
  const elsewhere = useMemo(() => sharedWithOthers(snapshot?.notebook ? producedElsewhere(snapshot.notebook, otherProducers) : []), [snapshot, otherProducers]);
  const notebookIssues = (snapshot?.issues ?? []).filter((issue) => issue.cell === undefined);

  const neighbour = (id: string, delta: -1 | 1) => {
    const index = draft.cells.findIndex((c) => c.id === id);
    return draft.cells[index + delta]?.id;
  };
  const go = (id: string, delta: -1 | 1) => {
    const target = neighbour(id, delta);
    if (target) focusCell(target);
  };

  // Each cell's callbacks are made once and read the page's latest state when called, so
  // a keystroke re-renders only the cell it changed (AssetCellView is memoized on its data).
  const [latest] = useState(() => new Latest<PageState>({ draft, run, go, neighbour, addBelow, focusCell, edit }));
  useLayoutEffect(() => latest.set({ draft, run, go, neighbour, addBelow, focusCell, edit }));
  const [handlerCache] = useState(() => new Map<string, CellHandlers>());
  const cellHandlers = (id: string): CellHandlers => {
    let handlers = handlerCache.get(id);
    if (handlers === undefined) {
      handlers = makeCellHandlers(id, latest.get, setFocusedId);
      handlerCache.set(id, handlers);
    }
    return handlers;
  };

  // Stable, so the graph (memoized) does not re-render on a keystroke.
  const selectByName = useCallback(
    (name: string) => {
      const target = latest.get().draft.cells.find((c) => c.type === "asset" && c.name === name);
      if (target) {
        setFocusedId(target.id);
        latest.get().focusCell(target.id);
      }
    },
    [latest],
  );

  // Parsed once per production text, not on every keystroke.
  const runParams = useMemo(() => declaredParams(production?.text ?? null), [production]);
  const focusedName = draft.cells.find((c): c is AssetDraft => c.type === "asset" && c.id === focusedId)?.name;
  const assetCells = draft.cells.filter((c) => c.type === "asset");
  const extractNames = assetCells.flatMap((c) => (c.kind === "extract" ? [c.name] : []));

  return (
    <MlJobsContext value={mlJobs}>
    <SessionBusyContext value={busy}>
      <div className="nb-workspace">
        <Toolbar title={titleOf(draft, slug)} file={file} engine={engine} dirty={dirty} status={saver.status} onSave={save}>
          <ProductionStatus slug={slug} savedText={saver.savedText} production={production} />
          <FreshnessBadge freshness={freshness ?? []} />
          {reviews && production !== undefined ? (
            <ProposeChanges slug={slug} canPropose={reviews.canPropose} otherChanged={reviews.otherChanged} openReviews={reviews.open} dirty={dirty} changed={saver.savedText !== production.text} />
          ) : null}
          {snapshot?.partitions && <PartitionSelect partitions={snapshot.partitions} onChange={setPartition} />}
          {/* Production runs the promoted text: offered to editors once the notebook is in production. */}
          {reviews?.canPropose && production?.text ? <RunButton notebook={slug} params={runParams} /> : null}
          {extractNames.length > 0 ? (
            <PreviewCap
              value={previewCap}
              onChange={(rows) => {
                latestCap.set(rows);
                setPreviewCap(rows);
                for (const name of extractNames) run(name);
              }}
            />
          ) : null}
        </Toolbar>
        {saver.conflict && (
          <ConflictBanner
            conflict={saver.conflict}
            onReload={() => {
              const theirs = saver.conflict?.currentText;
              if (theirs === null || theirs === undefined) return;
              const result = draftFromText(theirs, file, newId);
              if (!result.ok) return;
              setDraft(result.draft);
              saver.accept(theirs, saver.conflict?.currentHash ?? null);
            }}
            onOverwrite={() => void saver.overwrite(text)}
          />
        )}
        {elsewhere.length > 0 && (
          <div className="nb-problems nb-problems--shared" role="alert" data-testid="produced-elsewhere">
            {elsewhere.map(({ file: other, assets, lines }) => (
              <p key={other}>
                <span className="nb-problems__where">{lines.length === 1 ? "line" : "lines"} {lines.join(", ")}</span>
                <span className="nb-problems__message">
                  {assets.length === 1 ? "asset" : "assets"} {assets.join(", ")} {assets.length === 1 ? "is" : "are"} also produced by {other}; an asset has one producer: rename {assets.length === 1 ? "it" : "them"} here or there
                </span>
              </p>
            ))}
          </div>
        )}
        {workspace.issues.length > 0 && (
          <div className="nb-problems" role="alert" data-testid="workspace-file-problems">
            <p>
              <span className="nb-problems__message">notebooks/{WORKSPACE_FILE} has mistakes; the notebook runs without its variables, connections, macros and checks:</span>
            </p>
            {workspace.issues.map((issue, i) => (
              <p key={i}>
                <span className="nb-problems__where">line {issue.line}</span>
                <span className="nb-problems__message">{formatIssue(issue).replace(/^[^ ]+ /, "")}</span>
              </p>
            ))}
          </div>
        )}
        {notebookIssues.length > 0 && (
          <div className="nb-problems" role="alert">
            {notebookIssues.map((issue, i) => (
              <p key={i}>
                <span className="nb-problems__where">line {issue.line}</span>
                <span className="nb-problems__message">{issue.field ? `${issue.field}: ${issue.message}` : issue.message}</span>
              </p>
            ))}
          </div>
        )}
        <ProductionNote externals={snapshot?.externals ?? []} />
        <div className="nb-body">
          <div className="nb-cells">
            {draft.cells.map((cell, index) => {
              if (cell.type === "prose") {
                return (
                  <ProseCellView
                    key={cell.id}
                    id={cell.id}
                    text={cell.text}
                    onChange={(value) => edit((d) => updateCell(d, cell.id, { text: value }))}
                    onRemove={() => edit((d) => deleteCell(d, cell.id))}
                    onFocus={() => setFocusedId(cell.id)}
                    registerFocus={registry.registrar(cell.id)}
                    onNavigate={(delta) => go(cell.id, delta)}
                  />
                );
              }
              const handlers = cellHandlers(cell.id);
              return (
                <AssetCellView
                  key={cell.id}
                  cell={cell}
                  parsed={parsedByName.get(cell.name)}
                  status={statusByName.get(cell.name)}
                  problems={problems.get(cell.id) ?? NO_PROBLEMS}
                  warehouse={ready?.warehouse}
                  first={index === 0}
                  last={index === draft.cells.length - 1}
                  focused={focusedId === cell.id}
                  onFocus={handlers.onFocus}
                  registerFocus={registry.registrar(cell.id)}
                  onBody={handlers.onBody}
                  actions={handlers.actions}
                  keys={handlers.keys}
                />
              );
            })}
            <AddCellBar onAdd={(kind) => addBelow(null, kind)} />
          </div>
          <GraphSide snapshot={snapshot} selected={focusedName} onSelect={selectByName} />
        </div>
      </div>
    </SessionBusyContext>
    </MlJobsContext>
  );
}
