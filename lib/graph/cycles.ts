// Cycle detection: Tarjan's strongly connected components. Every component with more
// than one cell, or a cell that reads itself, is one cycle, reported as a closed walk
// that names every cell of the component in edge order.
import type { AssetGraph } from "./topology";

/** Cells of a cycle in edge order, starting at the one earliest in the notebook; the walk returns to the first. */
export type Cycle = string[];

function stronglyConnectedComponents(graph: AssetGraph): number[][] {
  const count = graph.nodes.length;
  const indexOf = new Array<number>(count).fill(-1);
  const lowLink = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let nextIndex = 0;

  // Iterative DFS: a frame is a node and how many of its successors were visited.
  for (let root = 0; root < count; root++) {
    if (indexOf[root] !== -1) continue;
    const frames: { id: number; next: number }[] = [{ id: root, next: 0 }];
    indexOf[root] = lowLink[root] = nextIndex++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (!frame) break;
      const successors = graph.successorIds(frame.id);
      const successor = successors[frame.next];
      if (successor !== undefined) {
        frame.next++;
        if (indexOf[successor] === -1) {
          indexOf[successor] = lowLink[successor] = nextIndex++;
          stack.push(successor);
          onStack[successor] = true;
          frames.push({ id: successor, next: 0 });
        } else if (onStack[successor]) {
          lowLink[frame.id] = Math.min(lowLink[frame.id] ?? 0, indexOf[successor] ?? 0);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) lowLink[parent.id] = Math.min(lowLink[parent.id] ?? 0, lowLink[frame.id] ?? 0);
      if (lowLink[frame.id] === indexOf[frame.id]) {
        const component: number[] = [];
        for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
          onStack[id] = false;
          component.push(id);
          if (id === frame.id) break;
        }
        components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components;
}

/** Shortest path from `from` to the first node satisfying `isTarget`, inside `members`; excludes `from`. */
function shortestPath(graph: AssetGraph, from: number, members: Set<number>, isTarget: (id: number) => boolean): number[] {
  const previous = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] ?? from;
    for (const next of graph.successorIds(id)) {
      if (!members.has(next)) continue;
      if (isTarget(next)) {
        const path = [next];
        for (let step = id; step !== from; step = previous.get(step) ?? from) path.push(step);
        return path.reverse();
      }
      if (!previous.has(next)) {
        previous.set(next, id);
        queue.push(next);
      }
    }
  }
  return [];
}

/** A closed walk through every member, greedily to the nearest unvisited member (notebook order breaks ties). */
function walkThrough(graph: AssetGraph, component: number[]): number[] {
  const members = new Set(component);
  const start = component[0] ?? 0;
  const visited = new Set([start]);
  const walk = [start];
  let current = start;
  while (visited.size < members.size) {
    const path = shortestPath(graph, current, members, (id) => !visited.has(id));
    if (path.length === 0) break;
    for (const id of path) visited.add(id);
    walk.push(...path);
    current = path[path.length - 1] ?? current;
  }
  const back = shortestPath(graph, current, members, (id) => id === start);
  walk.push(...back.slice(0, -1));
  return walk;
}

/** Every cycle of the graph, ordered by the notebook position of its first cell. */
export function findCycles(graph: AssetGraph): Cycle[] {
  return stronglyConnectedComponents(graph)
    .filter((component) => {
      const only = component[0];
      return component.length > 1 || (only !== undefined && graph.successorIds(only).includes(only));
    })
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
    .map((component) => walkThrough(graph, component).map((id) => graph.nameOf(id)));
}

/** `a (line 5) -> b (line 12) -> a` */
export function describeCycle(graph: AssetGraph, cycle: Cycle): string {
  const steps = cycle.map((name) => `${name} (line ${graph.node(name)?.line ?? "?"})`);
  return `cycle: ${[...steps, cycle[0] ?? ""].join(" -> ")}`;
}
