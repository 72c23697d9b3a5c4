// One colour per cell run state, shared by the cell badges and the graph panel.
// Mid-tones that read on both the light and the dark background.
import type { CellRunState } from "@/lib/engine/reactive";

export const CELL_RUN_STATES: readonly CellRunState[] = ["idle", "queued", "running", "fresh", "stale", "error", "blocked"];

export function stateColor(state: CellRunState): string {
  switch (state) {
    case "idle":
      return "#8b9098";
    case "queued":
      return "#7c8db5";
    case "running":
      return "#3d5afe";
    case "fresh":
      return "#2e9d5b";
    case "stale":
      return "#d08a1a";
    case "error":
      return "#d93f3f";
    case "blocked":
      return "#9a6bd1";
  }
}

export function stateLabel(state: CellRunState): string {
  switch (state) {
    case "idle":
      return "not run";
    case "queued":
      return "queued";
    case "running":
      return "running";
    case "fresh":
      return "fresh";
    case "stale":
      return "stale";
    case "error":
      return "error";
    case "blocked":
      return "blocked";
  }
}
