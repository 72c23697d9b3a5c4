// Planning POLICY over the graph structure of topology.ts: which cells to run, in which
// order, for a selection, for a reactive rerun after an edit, and which cells to skip once
// one has failed. Plans assume an acyclic graph: buildGraph reports cycles.
//
// Selections follow dbt's syntax: a selector is an asset name or `method:value` (`tag:`,
// `owner:`, `kind:`, `notebook:`, `path:`), with `+` before it for everything it depends on
// and after it for everything that depends on it. Selectors separated by spaces are a
// union; joined by commas (no spaces), an intersection: `tag:finance,kind:sql +daily+`.
import { didYouMean } from "./suggest";
import type { AssetGraph } from "./topology";

export const SELECTOR_METHODS = ["tag", "owner", "kind", "notebook", "path"] as const;
export type SelectorMethod = (typeof SELECTOR_METHODS)[number];

export interface Selector {
  /** `name` for an asset name; otherwise the method of `method:value`. */
  method: SelectorMethod | "name";
  value: string;
  /** `+name`: also everything the cell depends on. */
  withAncestors: boolean;
  /** `name+`: also everything that depends on the cell. */
  withDescendants: boolean;
}

/** What selectors other than a name match on, for one asset. */
export interface SelectableAsset {
  tags: readonly string[];
  owners: readonly string[];
  /** The notebook's slug (`shop` for `notebooks/shop.md`). */
  notebook: string;
  /** The notebook's file path, with `/` separators. */
  path: string;
}

/** The attributes of an asset by name; undefined for an asset it does not know (then only names select it). */
export type SelectableOf = (name: string) => SelectableAsset | undefined;

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectionError";
  }
}

const SELECTOR = /^(\+?)(?:([a-z_]+):)?([^+\s,:]+)(\+?)$/;

function isSelectorMethod(name: string): name is SelectorMethod {
  return SELECTOR_METHODS.some((method) => method === name);
}

/**
 * Syntax only: the union's terms, each an intersection of selectors (`a+ tag:x,kind:sql` ->
 * `[[a+], [tag:x, kind:sql]]`). Throws SelectionError on a malformed selector or an unknown method.
 */
export function parseSelection(text: string): Selector[][] {
  return selectionTerms(text).map((term) => term.split(",").map((token) => parseSelector(token, term)));
}

/** The union's terms: split on whitespace, after a comma has taken in the spaces around it (`a , b` is `a,b`). */
export function selectionTerms(text: string): string[] {
  return text
    .replace(/\s*,\s*/g, ",")
    .split(/\s+/)
    .filter((term) => term !== "");
}

function parseSelector(token: string, term: string): Selector {
  const match = SELECTOR.exec(token);
  const method = match?.[2];
  const value = match?.[3];
  if (!match || value === undefined) {
    throw new SelectionError(`invalid selector "${token === "" ? term : token}" (use name, name+, +name, +name+, or method:value with ${SELECTOR_METHODS.join(", ")})`);
  }
  if (method !== undefined && !isSelectorMethod(method)) {
    throw new SelectionError(`unknown selector method "${method}:"${didYouMean(method, SELECTOR_METHODS)} (methods: ${SELECTOR_METHODS.join(", ")})`);
  }
  return { method: method ?? "name", value, withAncestors: match[1] === "+", withDescendants: match[4] === "+" };
}

/**
 * The cells a selection names, as canonical graph names. Throws SelectionError naming every
 * unknown asset, and every method selector that matches no asset.
 */
export function selectCells(graph: AssetGraph, selection: string, selectable: SelectableOf = () => undefined): Set<string> {
  const terms = parseSelection(selection);
  const problems: string[] = [];
  const selected = new Set<string>();
  for (const term of terms) {
    let intersection: Set<string> | undefined;
    for (const selector of term) {
      const matched = matchSelector(graph, selector, selectable);
      if (matched.size === 0) problems.push(noMatch(graph, selector, selectable));
      intersection = intersection === undefined ? matched : new Set([...intersection].filter((name) => matched.has(name)));
    }
    for (const name of intersection ?? []) selected.add(name);
  }
  if (problems.length > 0) throw new SelectionError(`${problems.join("; ")} in selection "${selection.trim()}"`);
  return selected;
}

/** The selector's assets, with their ancestors or descendants when it asks for them. */
function matchSelector(graph: AssetGraph, selector: Selector, selectable: SelectableOf): Set<string> {
  const matched = new Set<string>();
  for (const node of graph.nodes) {
    if (!matches(node.name, node.kind, selector, selectable)) continue;
    matched.add(node.name);
    if (selector.withAncestors) for (const name of graph.ancestors(node.name)) matched.add(name);
    if (selector.withDescendants) for (const name of graph.descendants(node.name)) matched.add(name);
  }
  return matched;
}

function matches(name: string, kind: string, selector: Selector, selectable: SelectableOf): boolean {
  const value = selector.value;
  if (selector.method === "name") return name.toLowerCase() === value.toLowerCase();
  if (selector.method === "kind") return kind === value;
  const asset = selectable(name);
  if (asset === undefined) return false;
  switch (selector.method) {
    case "tag":
      return asset.tags.includes(value);
    case "owner":
      return asset.owners.some((owner) => owner.toLowerCase() === value.toLowerCase());
    case "notebook":
      return asset.notebook === value;
    case "path":
      return pathMatches(asset.path, value);
    default: {
      const unexpected: never = selector.method;
      return unexpected;
    }
  }
}

/** `path:notebooks/shop.md` is that file; `path:notebooks/finance` (or `…/`) every notebook under the folder. */
function pathMatches(path: string, wanted: string): boolean {
  const clean = (text: string) => text.replace(/^\.\//, "").replace(/\/+$/, "");
  const file = clean(path);
  const prefix = clean(wanted);
  return file === prefix || file.startsWith(`${prefix}/`) || file.endsWith(`/${prefix}`) || file.includes(`/${prefix}/`);
}

function noMatch(graph: AssetGraph, selector: Selector, selectable: SelectableOf): string {
  const names = graph.nodes.map((node) => node.name);
  if (selector.method === "name") return `unknown asset "${selector.value}"${didYouMean(selector.value, names)}`;
  const known = new Set<string>();
  for (const name of names) {
    const asset = selectable(name);
    if (selector.method === "kind") known.add(graph.node(name)?.kind ?? "");
    else if (selector.method === "tag") asset?.tags.forEach((tag) => known.add(tag));
    else if (selector.method === "owner") asset?.owners.forEach((owner) => known.add(owner));
    else if (selector.method === "notebook" && asset) known.add(asset.notebook);
  }
  return `no asset matches ${selector.method}:${selector.value}${didYouMean(selector.value, [...known])}`;
}

/** Cells to materialize, in graph order: all of them without a selection (or with a blank one). */
export function planRun(graph: AssetGraph, selection?: string, selectable?: SelectableOf): string[] {
  if (selection === undefined || selection.trim() === "") return graph.topoOrder();
  return graph.sortTopologically(selectCells(graph, selection, selectable));
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
