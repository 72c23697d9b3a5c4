// Planning POLICY over the graph structure of topology.ts: which cells to run, in which
// order, for a selection (`name`, `name+`, `+name`, `+name+`; several separated by
// spaces or commas are a union), for a reactive rerun after an edit, and which cells to
// skip once one has failed. Plans assume an acyclic graph: buildGraph reports cycles.
import { didYouMean } from "./suggest";
import type { AssetGraph } from "./topology";

export interface Selector {
  name: string;
  /** `+name`: also everything the cell depends on. */
  withAncestors: boolean;
  /** `name+`: also everything that depends on the cell. */
  withDescendants: boolean;
}

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectionError";
  }
}

const SELECTOR = /^(\+?)([^+\s,]+)(\+?)$/;

/** Syntax only: `a+, +b c` -> three selectors. Throws SelectionError on a malformed selector. */
export function parseSelection(text: string): Selector[] {
  return text
    .split(/[\s,]+/)
    .filter((token) => token !== "")
    .map((token) => {
      const match = SELECTOR.exec(token);
      const name = match?.[2];
      if (!match || name === undefined) throw new SelectionError(`invalid selector "${token}" (use name, name+, +name or +name+)`);
      return { name, withAncestors: match[1] === "+", withDescendants: match[3] === "+" };
    });
}

/** The cells a selection names, as canonical graph names. Throws SelectionError naming every unknown cell. */
export function selectCells(graph: AssetGraph, selection: string): Set<string> {
  const selectors = parseSelection(selection);
  const unknown = selectors.filter((selector) => !graph.has(selector.name));
  if (unknown.length > 0) {
    const names = graph.nodes.map((node) => node.name);
    const problems = unknown.map((selector) => `unknown asset "${selector.name}"${didYouMean(selector.name, names)}`);
    throw new SelectionError(`${problems.join("; ")} in selection "${selection.trim()}"`);
  }
  const selected = new Set<string>();
  for (const selector of selectors) {
    const node = graph.node(selector.name);
    if (!node) continue;
    selected.add(node.name);
    if (selector.withAncestors) for (const name of graph.ancestors(node.name)) selected.add(name);
    if (selector.withDescendants) for (const name of graph.descendants(node.name)) selected.add(name);
  }
  return selected;
}

/** Cells to materialize, in graph order: all of them without a selection (or with a blank one). */
export function planRun(graph: AssetGraph, selection?: string): string[] {
  if (selection === undefined || selection.trim() === "") return graph.topoOrder();
  return graph.sortTopologically(selectCells(graph, selection));
}

/** For a reactive rerun after `cell` changed: the cell and everything below it, in graph order. */
export function downstreamOf(graph: AssetGraph, cell: string): string[] {
  const node = graph.node(cell);
  if (!node) throw new SelectionError(`unknown asset "${cell}"${didYouMean(cell, graph.nodes.map((n) => n.name))}`);
  return graph.sortTopologically([node.name, ...graph.descendants(node.name)]);
}

/** The cells of `plan` that cannot run because they read, directly or not, the failed cell. In plan order. */
export function skipAfterFailure(plan: readonly string[], failed: string, graph: AssetGraph): string[] {
  const blocked = new Set(graph.descendants(failed).map((name) => name.toLowerCase()));
  return plan.filter((name) => blocked.has(name.toLowerCase()) && name.toLowerCase() !== failed.toLowerCase());
}
