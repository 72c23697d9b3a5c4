"use client";
// The notebook's DAG beside the cells, with the external tables it reads; clicking a cell's
// node jumps to the cell.
import { memo } from "react";
import type { ReactiveSnapshot } from "@/lib/engine/reactive";
import { GraphPanel, type GraphPanelNode } from "@/app/components/GraphPanel";

interface Props {
  snapshot: ReactiveSnapshot | undefined;
  selected: string | undefined;
  onSelect: (name: string) => void;
}

/** Memoized: it changes with the session's snapshot and the focused cell, never with a keystroke. */
export const GraphSide = memo(function GraphSide({ snapshot, selected, onSelect }: Props) {
  const graph = snapshot?.graph;
  const states = new Map(snapshot?.cells.map((c) => [c.name, c.state]));
  const cells: GraphPanelNode[] = (graph?.nodes ?? []).map((node) => ({ name: node.name, kind: node.kind, state: states.get(node.name) ?? "idle" }));
  // The tables other notebooks produce that the cells read are drawn too: where the data comes from.
  const externalEdges = snapshot?.externalEdges ?? [];
  const externals: GraphPanelNode[] = [...new Set(externalEdges.map((e) => e.from))].map((table) => ({ name: table, kind: "external" }));
  const nodes = [...externals, ...cells];
  return (
    <aside className="nb-side" aria-label="Graph">
      <h2 className="nb-side__title">Graph</h2>
      {graph ? <GraphPanel nodes={nodes} edges={[...externalEdges, ...graph.edges()]} selected={selected} onSelect={(name) => graph.has(name) && onSelect(name)} /> : <p className="muted">Building the graph…</p>}
    </aside>
  );
});
