"use client";
// The workspace lineage in the graph panel; a click opens the asset (not in shared views).
import { useRouter } from "next/navigation";
import { GraphPanel } from "@/app/components/GraphPanel";
import type { CellRunState } from "@/lib/engine/reactive";
import type { CellKind } from "@/lib/notebook/types";
import type { GraphLayout } from "@/lib/preview/graph-layout";

export interface LineageViewProps {
  nodes: { id: string; kind: CellKind; state: CellRunState }[];
  edges: { from: string; to: string }[];
  /** The server's layout of these nodes and edges. */
  layout: GraphLayout;
  linkAssets: boolean;
}

export function LineageView({ nodes, edges, layout, linkAssets }: LineageViewProps) {
  const router = useRouter();
  return (
    <div className="lineage-box" data-testid="lineage">
      <GraphPanel
        nodes={nodes}
        edges={edges}
        layout={layout}
        onSelect={(id) => {
          if (linkAssets) router.push(`/catalog/${encodeURIComponent(id)}`);
        }}
      />
    </div>
  );
}
