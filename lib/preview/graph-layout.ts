// Left-to-right layout of an asset graph with dagre: node boxes and edge polylines.
import { Graph, layout } from "@dagrejs/dagre";

export interface LayoutNodeInput {
  id: string;
  label: string;
}

export interface LayoutEdgeInput {
  from: string;
  to: string;
}

export interface Point {
  x: number;
  y: number;
}

export interface LaidOutNode {
  id: string;
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  points: Point[];
}

export interface GraphLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

export const NODE_HEIGHT = 40;
/** Above this many nodes the layout trades compactness for speed. */
export const LARGE_GRAPH = 300;

/** A box wide enough for the label, the kind badge and some padding. */
export function nodeWidth(label: string): number {
  return Math.min(240, Math.max(120, Math.round(label.length * 7.4 + 58)));
}

export function layoutGraph(nodes: readonly LayoutNodeInput[], edges: readonly LayoutEdgeInput[]): GraphLayout {
  const graph = new Graph({ multigraph: false });
  // Dagre's default ranker (network simplex) gives the tightest layout but grows much faster
  // than the graph: at a thousand assets it took seconds. Past LARGE_GRAPH nodes the
  // longest-path ranker is used (about 3× faster there; ranks a little less compact).
  const ranker = nodes.length > LARGE_GRAPH ? "longest-path" : "network-simplex";
  graph.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 56, marginx: 16, marginy: 16, ranker });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) graph.setNode(node.id, { width: nodeWidth(node.label), height: NODE_HEIGHT });
  const kept = edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  for (const edge of kept) graph.setEdge(edge.from, edge.to);
  layout(graph);

  const laidOut = nodes.map((node) => {
    const label = graph.node(node.id);
    return { id: node.id, x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? nodeWidth(node.label), height: label.height ?? NODE_HEIGHT };
  });
  const laidEdges = kept.map((edge) => ({
    from: edge.from,
    to: edge.to,
    points: (graph.edge(edge.from, edge.to)?.points ?? []).map((p: Point) => ({ x: p.x, y: p.y })),
  }));
  const info = graph.graph();
  return { nodes: laidOut, edges: laidEdges, width: info.width ?? 0, height: info.height ?? 0 };
}

/** An SVG path through the points: straight ends, smooth corners. */
export function edgePath(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  if (rest.length === 0) return `M${first.x},${first.y}`;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const control = rest[i];
    const next = rest[i + 1];
    if (!control || !next) continue;
    const end = i === rest.length - 2 ? next : { x: (control.x + next.x) / 2, y: (control.y + next.y) / 2 };
    d += ` Q${control.x},${control.y} ${end.x},${end.y}`;
  }
  if (rest.length === 1 && rest[0]) d += ` L${rest[0].x},${rest[0].y}`;
  return d;
}

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The nodes and edges of `layout` that meet `rect` (layout coordinates): a large graph
 * draws only what can be on screen. An edge is kept when the box around its points meets
 * the rectangle, so a line crossing the view is drawn even when both its ends are off it.
 */
export function visiblePart(layout: GraphLayout, rect: Rect): Pick<GraphLayout, "nodes" | "edges"> {
  const meets = (left: number, top: number, right: number, bottom: number) => left <= rect.right && right >= rect.left && top <= rect.bottom && bottom >= rect.top;
  const nodes = layout.nodes.filter((n) => meets(n.x - n.width / 2, n.y - n.height / 2, n.x + n.width / 2, n.y + n.height / 2));
  const edges = layout.edges.filter((e) => {
    if (e.points.length === 0) return false;
    const xs = e.points.map((p) => p.x);
    const ys = e.points.map((p) => p.y);
    return meets(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
  });
  return { nodes, edges };
}

/** A pan and zoom: a layout point p is drawn at p × k + (x, y). */
export interface View {
  x: number;
  y: number;
  k: number;
}

/** Below this zoom, labels are too small to read (12.5 px × 0.7 ≈ 9 px). */
export const READABLE_ZOOM = 0.7;

/**
 * The view a frame of `width` × `height` opens on: the whole graph, centred, when it fits at
 * a readable size; a larger one at the smallest readable zoom, from its start (its sources,
 * at the left), and the user pans. A graph taller than the frame opens on the stretch of
 * its left part that holds the most nodes: its top-left corner is often empty, and a
 * large lineage opened on nothing.
 */
export function fitView(layout: GraphLayout, width: number, height: number): View {
  if (layout.width === 0 || width === 0 || height === 0) return { x: 0, y: 0, k: 1 };
  const k = Math.min(1, Math.max(READABLE_ZOOM, Math.min(width / layout.width, height / layout.height)));
  const x = layout.width * k <= width ? (width - layout.width * k) / 2 : 0;
  if (layout.height * k <= height) return { k, x, y: (height - layout.height * k) / 2 };
  // Centres of the nodes in view across, top to bottom; a window of the frame's height slides over them.
  const ys = layout.nodes
    .filter((n) => (n.x - n.width / 2) * k + x < width)
    .map((n) => n.y)
    .sort((a, b) => a - b);
  const span = height / k - NODE_HEIGHT;
  let best = { count: 0, top: 0, bottom: 0 };
  for (let i = 0, j = 0; i < ys.length; i++) {
    const top = ys[i] ?? 0;
    while (j < ys.length && (ys[j] ?? 0) <= top + span) j++;
    if (j - i > best.count) best = { count: j - i, top, bottom: ys[j - 1] ?? top };
  }
  const middle = (best.top + best.bottom) / 2;
  return { k, x, y: height / 2 - middle * k };
}
