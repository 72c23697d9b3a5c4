// The graph as plain JSON for lineage pages.
import type { CellKind } from "../notebook/types";
import type { AssetGraph, GraphEdge } from "./topology";

export interface LineageJson {
  nodes: { id: string; kind: CellKind; line: number; upstream: number; downstream: number }[];
  edges: GraphEdge[];
}

/** Nodes in graph order with their direct fan-in and fan-out; edges upstream -> downstream. */
export function lineage(graph: AssetGraph): LineageJson {
  const nodes = graph.topoOrder().flatMap((name) => {
    const node = graph.node(name);
    if (!node) return [];
    return [{ id: node.name, kind: node.kind, line: node.line, upstream: graph.upstream(name).length, downstream: graph.downstream(name).length }];
  });
  return { nodes, edges: graph.edges() };
}
