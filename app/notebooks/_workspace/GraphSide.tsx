"use client";
// The notebook's DAG beside the cells; clicking a node jumps to its cell.
import type { ReactiveSnapshot } from "@/lib/engine/reactive";
import { GraphPanel } from "@/app/components/GraphPanel";

interface Props {
  snapshot: ReactiveSnapshot | undefined;
  selected: string | undefined;
  onSelect: (name: string) => void;
}

export function GraphSide({ snapshot, selected, onSelect }: Props) {
  const graph = snapshot?.graph;
  const states = new Map(snapshot?.cells.map((c) => [c.name, c.state]));
  const nodes = (graph?.nodes ?? []).map((node) => ({ name: node.name, kind: node.kind, state: states.get(node.name) ?? "idle" }));
  return (
    <aside className="nb-side" aria-label="Graph">
      <h2 className="nb-side__title">Graph</h2>
      {graph ? <GraphPanel nodes={nodes} edges={graph.edges()} selected={selected} onSelect={onSelect} /> : <p className="muted">Building the graph…</p>}
    </aside>
  );
}
