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
