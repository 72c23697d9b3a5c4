"use client";
// The notebook's DAG: laid out left to right by dagre, drawn in SVG with the cells' state
// colours; wheel to zoom, drag to pan, click (or Enter) on a node to select its cell.
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type PointerEvent } from "react";
import type { CellRunState } from "@/lib/engine/reactive";
import type { CellKind } from "@/lib/notebook/types";
import { edgePath, fitView, layoutGraph, visiblePart, type GraphLayout, type View } from "@/lib/preview/graph-layout";
import { stateColor, stateLabel } from "./state-colors";
import styles from "./graph-panel.module.css";

/**
 * A node; `name` is accepted as well as `id` (an asset's name is its id). An `external` node
 * is a table another notebook produces, read here: drawn dashed, without a run state.
 */
export type GraphPanelNode = { kind: CellKind | "external"; state?: CellRunState } & ({ id: string; name?: string } | { name: string; id?: undefined });

export interface GraphPanelProps {
  nodes: GraphPanelNode[];
  edges: { from: string; to: string }[];
  selected?: string;
  onSelect(id: string): void;
  /** A layout of exactly these nodes and edges made on the server: drawn at once, even before hydration. */
  layout?: GraphLayout;
}

const MIN_ZOOM = 0.2;
const MAX_ZOOM = 3;

function nodeId(node: GraphPanelNode): string {
  return node.id ?? node.name ?? "";
}

function kindLetter(kind: CellKind | "external"): string {
  switch (kind) {
    case "external":
      return "X";
    case "extract":
      return "E";
    case "sql":
      return "S";
    case "ml":
      return "M";
    case "chart":
      return "C";
    default: {
      const unreachable: never = kind;
      return String(unreachable);
    }
  }
}

/** The part of the layout the frame shows under `view`, widened by `margin` screen pixels. */
function frameRect(view: View, frame: { width: number; height: number }, margin: number) {
  return {
    left: (-margin - view.x) / view.k,
    top: (-margin - view.y) / view.k,
    right: (frame.width + margin - view.x) / view.k,
    bottom: (frame.height + margin - view.y) / view.k,
  };
}

function clampZoom(k: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
}

const EMPTY_LAYOUT: GraphLayout = { nodes: [], edges: [], width: 0, height: 0 };
const noSubscription = () => () => undefined;

/** Above this many nodes only what meets the frame is drawn (a thousand SVG groups cost seconds). */
const CULL_ABOVE = 150;
/** The frame assumed before it is measured (the server's render): a large screen. */
const UNMEASURED_FRAME = { width: 1_920, height: 1_080 };
/** Drawn beyond the frame's edges, so a short pan shows no gap before the next render. */
const CULL_MARGIN = 200;

export function GraphPanel({ nodes, edges, selected, onSelect, layout: precomputed }: GraphPanelProps) {
  const markerId = `arrow-${useId().replace(/:/g, "")}`;
  const layoutKey = JSON.stringify([nodes.map((n) => [nodeId(n), n.kind]), edges]);
  // Laid out in the browser only, never during the server render: dagre grows much
  // faster than the node count and would hold up the whole page.
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  const layout = useMemo(
    () => precomputed ?? (inBrowser ? layoutGraph(nodes.map((n) => ({ id: nodeId(n), label: nodeId(n) })), edges) : EMPTY_LAYOUT),
    // `layoutKey` stands for nodes and edges.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [layoutKey, inBrowser, precomputed],
  );
  const byId = useMemo(() => new Map(nodes.map((n) => [nodeId(n), n])), [nodes]);

  const frame = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  // The user's pan and zoom, for one shape of the graph; a new shape is fitted again.
  const [userView, setUserView] = useState<{ key: string; view: View } | undefined>(undefined);
  const drag = useRef<{ pointer: number; startX: number; startY: number; view: View; moved: boolean } | undefined>(undefined);
  const suppressClick = useRef(false);

  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const frameSize = size.width === 0 ? UNMEASURED_FRAME : size;
  const current = userView?.key === layoutKey ? userView.view : fitView(layout, frameSize.width, frameSize.height);
  const drawn = layout.nodes.length <= CULL_ABOVE ? layout : visiblePart(layout, frameRect(current, frameSize, CULL_MARGIN));
  const setView = useCallback((view: View | undefined) => setUserView(view ? { key: layoutKey, view } : undefined), [layoutKey]);

  // Wheel zoom around the cursor; a non-passive listener so the page does not scroll.
  const viewRef = useRef(current);
  useLayoutEffect(() => {
    viewRef.current = current;
  });
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const py = event.clientY - rect.top;
      const v = viewRef.current;
      const k = clampZoom(v.k * Math.exp(-event.deltaY * 0.0015));
      setView({ k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k });
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [setView]);

  const zoomBy = useCallback(
    (factor: number) => {
      const v = viewRef.current;
      const k = clampZoom(v.k * factor);
      const cx = size.width / 2;
      const cy = size.height / 2;
      setView({ k, x: cx - ((cx - v.x) * k) / v.k, y: cy - ((cy - v.y) * k) / v.k });
    },
    [size, setView],
  );

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    drag.current = { pointer: event.pointerId, startX: event.clientX, startY: event.clientY, view: current, moved: false };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.pointer !== event.pointerId) return;
    const dx = event.clientX - d.startX;
    const dy = event.clientY - d.startY;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) event.currentTarget.setPointerCapture(event.pointerId);
    d.moved = true;
    setView({ ...d.view, x: d.view.x + dx, y: d.view.y + dy });
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.pointer !== event.pointerId) return;
    suppressClick.current = d.moved;
    drag.current = undefined;
  };

  const select = (id: string) => {
    if (suppressClick.current) {
      suppressClick.current = false;
      return;
    }
    onSelect(id);
  };

  return (
    <div className={styles.panel} data-testid="graph-panel">
      <div
        ref={frame}
        className={styles.frame}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <svg className={styles.svg} width="100%" height="100%" role="group" aria-label="Asset graph">
          <defs>
            <marker id={markerId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,1 L9,5 L0,9 z" className={styles.arrow} />
            </marker>
          </defs>
          <g transform={`translate(${current.x},${current.y}) scale(${current.k})`}>
            {drawn.edges.map((edge) => (
              <path
                key={`${edge.from}->${edge.to}`}
                d={edgePath(edge.points)}
                className={`${styles.edge} ${selected === edge.from || selected === edge.to ? styles.edgeActive : ""}`}
                markerEnd={`url(#${markerId})`}
                data-testid={`graph-edge-${edge.from}-${edge.to}`}
              />
            ))}
            {drawn.nodes.map((box) => {
              const node = byId.get(box.id);
              if (!node) return null;
              const external = node.kind === "external";
              const state = node.state ?? "idle";
              const color = external ? "var(--muted)" : stateColor(state);
              const isSelected = selected === box.id;
              const left = box.x - box.width / 2;
              const top = box.y - box.height / 2;
              return (
                <g
                  key={box.id}
                  className={`${styles.node} ${isSelected ? styles.selected : ""} ${external ? styles.external : ""}`}
                  transform={`translate(${left},${top})`}
                  role="button"
                  tabIndex={0}
                  aria-pressed={isSelected}
                  aria-label={external ? `${box.id}, external table` : `${box.id}, ${node.kind} cell, ${stateLabel(state)}`}
                  data-testid={`graph-node-${box.id}`}
                  data-state={external ? "external" : state}
                  onClick={() => select(box.id)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter" || event.key === " ") {
                      event.preventDefault();
                      onSelect(box.id);
                    }
                  }}
                >
                  <title>{external ? `${box.id} (external: another notebook produces it)` : `${box.id} (${node.kind}) — ${stateLabel(state)}`}</title>
                  <rect className={styles.box} width={box.width} height={box.height} rx={9} style={{ stroke: isSelected ? undefined : color }} />
                  <rect className={styles.badge} x={10} y={box.height / 2 - 10} width={20} height={20} rx={5} style={{ fill: color }} />
                  <text className={styles.badgeText} x={20} y={box.height / 2} dominantBaseline="central" textAnchor="middle">
                    {kindLetter(node.kind)}
                  </text>
                  <text className={styles.label} x={38} y={box.height / 2} dominantBaseline="central">
                    {box.id}
                  </text>
                </g>
              );
            })}
          </g>
        </svg>
      </div>
      <div className={styles.controls}>
        <button type="button" aria-label="Zoom in" onClick={() => zoomBy(1.25)}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => zoomBy(0.8)}>
          −
        </button>
        <button type="button" aria-label="Fit the graph" onClick={() => setView(undefined)}>
          Fit
        </button>
      </div>
    </div>
  );
}
