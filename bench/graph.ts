// Graph benchmark: a 2,000-cell random DAG (each cell reads 1-4 earlier cells).
// Times building the graph from edges + topological order + planRun with a selection +
// downstreamOf, as the median of N runs, and prints the ratio to a trivially cheap
// baseline measured in the same run (one pass over every edge). Goal: < 50 ms.
// Then, separately, the Node SQL reference extraction for 2,000 statements.
// Run: npx tsx bench/graph.ts
import { performance } from "node:perf_hooks";
import { downstreamOf, planRun } from "../lib/graph/plan";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { graphFromEdges, type GraphEdge, type GraphNodeInput } from "../lib/graph/topology";

const CELLS = 2_000;
const RUNS = 21;
const GOAL_MS = 50;

/** Deterministic PRNG (mulberry32) so every run measures the same graph. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDag(cells: number): { nodes: GraphNodeInput[]; edges: GraphEdge[] } {
  const next = random(42);
  const nodes = Array.from({ length: cells }, (_, i) => ({ name: `cell_${i}`, kind: "sql" as const, line: i * 6 + 1 }));
  const edges: GraphEdge[] = [];
  for (let i = 1; i < cells; i++) {
    const inputs = 1 + Math.floor(next() * 4);
    for (let k = 0; k < inputs; k++) edges.push({ from: `cell_${Math.floor(next() * i)}`, to: `cell_${i}` });
  }
  return { nodes, edges };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function time(runs: number, work: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const { nodes, edges } = randomDag(CELLS);
let sink = 0;

const baselineMs = time(RUNS, () => {
  for (const edge of edges) sink += edge.from.length + edge.to.length;
});
const graphMs = time(RUNS, () => {
  const graph = graphFromEdges(nodes, edges);
  sink += graph.topoOrder().length;
  sink += planRun(graph, "+cell_1000+ cell_10+").length;
  sink += downstreamOf(graph, "cell_500").length;
});

console.log(`graph: ${CELLS} cells, ${edges.length} edges, median of ${RUNS} runs`);
console.log(`  baseline (one pass over edges): ${baselineMs.toFixed(3)} ms`);
console.log(`  build + topoOrder + planRun + downstreamOf: ${graphMs.toFixed(2)} ms  (ratio ${(graphMs / baselineMs).toFixed(0)}x baseline; goal < ${GOAL_MS} ms: ${graphMs < GOAL_MS ? "met" : "NOT met"})`);

const parser = await NodeSqlReferenceParser.create();
try {
  const statements = nodes.map((node, i) => {
    const inputs = edges.filter((edge) => edge.to === node.name).map((edge) => edge.from);
    const from = inputs.length === 0 ? "range(10) r" : inputs.join(" join ").replaceAll(/ join (cell_\d+)/g, " join $1 using (id)");
    return `with recent_${i} as (select * from ${from}) select count(*) from recent_${i} where exists (select 1 from range(3))`;
  });
  const start = performance.now();
  let refs = 0;
  for (const sql of statements) refs += (await parser.tableReferences(sql)).length;
  const sqlMs = performance.now() - start;
  console.log(`sql references (node, json_serialize_sql): ${statements.length} statements, ${refs} refs in ${sqlMs.toFixed(0)} ms (${(sqlMs / statements.length).toFixed(3)} ms each)`);
} finally {
  parser.close();
}
if (sink < 0) console.log(sink);
