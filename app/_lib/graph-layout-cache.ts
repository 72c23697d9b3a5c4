// Lineage layouts computed on the server, kept for the graph shapes last drawn: a layout
// depends only on the node names and edges, dagre takes about a second at a thousand
// assets, and the lineage page is opened far more often than assets are added.
import { createHash } from "node:crypto";
import { layoutGraph, type GraphLayout, type LayoutEdgeInput } from "@/lib/preview/graph-layout";

const KEPT = 8;
const layouts = new Map<string, GraphLayout>();

export function cachedLayout(nodes: readonly string[], edges: readonly LayoutEdgeInput[]): GraphLayout {
  const key = createHash("sha256").update(JSON.stringify([nodes, edges.map((e) => [e.from, e.to])])).digest("hex");
  const kept = layouts.get(key);
  if (kept) {
    // Most recently used last: the first key is the one to drop.
    layouts.delete(key);
    layouts.set(key, kept);
    return kept;
  }
  const layout = layoutGraph(nodes.map((id) => ({ id, label: id })), edges);
  layouts.set(key, layout);
  for (const old of layouts.keys()) {
    if (layouts.size <= KEPT) break;
    layouts.delete(old);
  }
  return layout;
}
