// Graph STRUCTURE: nodes, edges, topological order, ancestors and descendants. What to
// run, and in which order for a selection, is policy and lives in plan.ts.
import type { CellKind } from "../notebook/types";
import { MinHeap } from "./min-heap";

export interface GraphNode {
  name: string;
  kind: CellKind;
  /** Position among the notebook's asset cells: the tie-breaker of every ordering. */
  index: number;
  /** 1-based line of the cell's opening fence. */
  line: number;
}

/** `from` is read by `to`: `from` must be materialized first. */
export interface GraphEdge {
  from: string;
  to: string;
}

export type GraphNodeInput = Omit<GraphNode, "index">;

export class AssetGraph {
  readonly nodes: readonly GraphNode[];
  private readonly idByName = new Map<string, number>();
  private readonly upstreamIds: number[][];
  private readonly downstreamIds: number[][];
  private order: number[] | undefined;
  private positionInOrder: number[] | undefined;

  /** Nodes in notebook order; edges between their names (case-insensitive). Duplicate edges are merged. */
  constructor(nodes: readonly GraphNodeInput[], edges: readonly GraphEdge[]) {
    this.nodes = nodes.map((node, index) => ({ ...node, index }));
    for (const node of this.nodes) {
      const key = node.name.toLowerCase();
      if (this.idByName.has(key)) throw new Error(`duplicate graph node "${node.name}"`);
      this.idByName.set(key, node.index);
    }
    this.upstreamIds = this.nodes.map(() => []);
    this.downstreamIds = this.nodes.map(() => []);
    const seen = new Set<string>();
    for (const edge of edges) {
      const from = this.requireId(edge.from);
      const to = this.requireId(edge.to);
      const key = `${from}:${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.downstreamIds[from]?.push(to);
      this.upstreamIds[to]?.push(from);
    }
    for (const list of [...this.upstreamIds, ...this.downstreamIds]) list.sort((a, b) => a - b);
  }

  has(name: string): boolean {
    return this.idByName.has(name.toLowerCase());
  }

  node(name: string): GraphNode | undefined {
    const id = this.idByName.get(name.toLowerCase());
    return id === undefined ? undefined : this.nodes[id];
  }

  edges(): GraphEdge[] {
    return this.downstreamIds.flatMap((targets, from) =>
      targets.map((to) => ({ from: this.nameOf(from), to: this.nameOf(to) })),
    );
  }

  /** Direct inputs of a cell, in notebook order. */
  upstream(name: string): string[] {
    return (this.upstreamIds[this.requireId(name)] ?? []).map((id) => this.nameOf(id));
  }

  /** Direct readers of a cell, in notebook order. */
  downstream(name: string): string[] {
    return (this.downstreamIds[this.requireId(name)] ?? []).map((id) => this.nameOf(id));
  }

  /** Every cell this one depends on, transitively, in topological order (itself excluded unless on a cycle). */
  ancestors(name: string): string[] {
    return this.namesInOrder(this.reach([this.requireId(name)], this.upstreamIds));
  }

  /** Every cell that depends on this one, transitively, in topological order (itself excluded unless on a cycle). */
  descendants(name: string): string[] {
    return this.namesInOrder(this.reach([this.requireId(name)], this.downstreamIds));
  }

  /**
   * All cells, each after its inputs; among ready cells, notebook order first (Kahn).
   * Cells on a cycle cannot be ordered: they come last, in notebook order.
   */
  topoOrder(): string[] {
    return this.topoIds().map((id) => this.nameOf(id));
  }

  /** Names in topological order, for any subset of this graph's names. */
  sortTopologically(names: Iterable<string>): string[] {
    const ids = new Set<number>();
    for (const name of names) ids.add(this.requireId(name));
    return this.namesInOrder(ids);
  }

  /** Direct readers of node `id`, by id in notebook order (for cycle detection). */
  successorIds(id: number): readonly number[] {
    return this.downstreamIds[id] ?? [];
  }

  nameOf(id: number): string {
    const node = this.nodes[id];
    if (!node) throw new Error(`no graph node with id ${id}`);
    return node.name;
  }

  private requireId(name: string): number {
    const id = this.idByName.get(name.toLowerCase());
    if (id === undefined) throw new Error(`unknown graph node "${name}"`);
    return id;
  }

  /** Ids reachable from `start` (excluded, unless reachable again through a cycle). */
  private reach(start: number[], adjacency: number[][]): Set<number> {
    const reached = new Set<number>();
    const stack = [...start];
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      for (const next of adjacency[id] ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          stack.push(next);
        }
      }
    }
    return reached;
  }

  private namesInOrder(ids: Set<number>): string[] {
    this.topoIds();
    const position = this.positionInOrder ?? [];
    return [...ids].sort((a, b) => (position[a] ?? 0) - (position[b] ?? 0)).map((id) => this.nameOf(id));
  }

  private topoIds(): number[] {
    if (this.order) return this.order;
    const waiting = this.upstreamIds.map((inputs) => inputs.length);
    const ready = new MinHeap();
    waiting.forEach((count, id) => {
      if (count === 0) ready.push(id);
    });
    const order: number[] = [];
    for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
      order.push(id);
      for (const next of this.downstreamIds[id] ?? []) {
        const left = (waiting[next] ?? 0) - 1;
        waiting[next] = left;
        if (left === 0) ready.push(next);
      }
    }
    if (order.length < this.nodes.length) {
      const placed = new Set(order);
      for (const node of this.nodes) if (!placed.has(node.index)) order.push(node.index);
    }
    const position: number[] = new Array<number>(this.nodes.length);
    order.forEach((id, i) => (position[id] = i));
    this.order = order;
    this.positionInOrder = position;
    return order;
  }
}

/** A graph from plain nodes and edges (tests, benchmarks, and buildGraph itself). */
export function graphFromEdges(nodes: readonly GraphNodeInput[], edges: readonly GraphEdge[]): AssetGraph {
  return new AssetGraph(nodes, edges);
}
