import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findCycles, describeCycle } from "./cycles";
import { downstreamOf } from "./plan";
import { graphFromEdges, type GraphEdge } from "./topology";

function graphOf(names: string[], edges: [string, string][]) {
  return graphFromEdges(
    names.map((name, i) => ({ name, kind: "sql" as const, line: 10 * (i + 1) })),
    edges.map(([from, to]) => ({ from, to })),
  );
}

describe("AssetGraph", () => {
  const diamond = graphOf(["d", "b", "c", "a"], [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"]]);

  it("orders a diamond by its edges, ties by notebook order", () => {
    expect(diamond.topoOrder()).toEqual(["a", "b", "c", "d"]);
  });

  it("gives direct and transitive neighbours", () => {
    expect(diamond.upstream("d")).toEqual(["b", "c"]);
    expect(diamond.downstream("a")).toEqual(["b", "c"]);
    expect(diamond.ancestors("d")).toEqual(["a", "b", "c"]);
    expect(diamond.descendants("a")).toEqual(["b", "c", "d"]);
    expect(diamond.descendants("d")).toEqual([]);
  });

  it("keeps notebook order among independent cells", () => {
    expect(graphOf(["z", "y", "x"], []).topoOrder()).toEqual(["z", "y", "x"]);
  });

  it("looks names up case-insensitively and merges duplicate edges", () => {
    const graph = graphOf(["Orders", "report"], [["orders", "REPORT"], ["Orders", "report"]]);
    expect(graph.edges()).toEqual([{ from: "Orders", to: "report" }]);
    expect(graph.upstream("Report")).toEqual(["Orders"]);
  });

  it("rejects edges to unknown nodes and duplicate nodes", () => {
    expect(() => graphOf(["a"], [["a", "b"]])).toThrow('unknown graph node "b"');
    expect(() => graphOf(["a", "A"], [])).toThrow("duplicate");
  });
});

describe("findCycles", () => {
  it("names every cell of a cycle in edge order, with lines", () => {
    const graph = graphOf(["x", "a", "b", "c"], [["a", "b"], ["b", "c"], ["c", "a"], ["x", "a"]]);
    const cycles = findCycles(graph);
    expect(cycles).toEqual([["a", "b", "c"]]);
    expect(describeCycle(graph, ["a", "b", "c"])).toBe("cycle: a (line 20) -> b (line 30) -> c (line 40) -> a");
  });

  it("reports two separate cycles, in notebook order", () => {
    const graph = graphOf(["p", "q", "a", "b", "ok"], [["b", "a"], ["a", "b"], ["q", "p"], ["p", "q"], ["a", "ok"]]);
    expect(findCycles(graph)).toEqual([["p", "q"], ["a", "b"]]);
  });

  it("reports a self loop", () => {
    const graph = graphOf(["a", "b"], [["a", "a"], ["a", "b"]]);
    expect(findCycles(graph)).toEqual([["a"]]);
    expect(describeCycle(graph, ["a"])).toBe("cycle: a (line 10) -> a");
  });

  it("covers a component that has no single simple cycle through all cells", () => {
    const graph = graphOf(["a", "b", "c"], [["a", "b"], ["b", "a"], ["a", "c"], ["c", "a"]]);
    expect(findCycles(graph)).toEqual([["a", "b", "a", "c"]]);
  });

  it("finds none in a DAG and still orders cells on a cycle last", () => {
    expect(findCycles(graphOf(["a", "b"], [["a", "b"]]))).toEqual([]);
    expect(graphOf(["a", "b", "c"], [["a", "b"], ["b", "a"]]).topoOrder()).toEqual(["c", "a", "b"]);
  });
});

/** Random DAGs: edges only go from an earlier-generated node to a later one, then names are shuffled into notebook order. */
const randomDag = fc
  .integer({ min: 1, max: 40 })
  .chain((size) =>
    fc.record({
      size: fc.constant(size),
      edges: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: size * 3 }),
      notebookOrder: fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }),
    }),
  )
  .map(({ edges, notebookOrder }) => {
    const dagEdges: GraphEdge[] = edges
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({ from: `n${Math.min(a, b)}`, to: `n${Math.max(a, b)}` }));
    const nodes = notebookOrder.map((i, line) => ({ name: `n${i}`, kind: "sql" as const, line }));
    return { graph: graphFromEdges(nodes, dagEdges), edges: dagEdges };
  });

describe("properties over random DAGs", () => {
  it("topoOrder puts every edge's source before its target and lists each node once", () => {
    fc.assert(
      fc.property(randomDag, ({ graph, edges }) => {
        const order = graph.topoOrder();
        expect(new Set(order).size).toBe(graph.nodes.length);
        const position = new Map(order.map((name, i) => [name, i]));
        for (const edge of edges) expect(position.get(edge.from)).toBeLessThan(position.get(edge.to) ?? -1);
        expect(findCycles(graph)).toEqual([]);
      }),
    );
  });

  it("downstreamOf(x) is x plus its descendants, and descendants follow edges", () => {
    fc.assert(
      fc.property(randomDag, fc.nat(), ({ graph, edges }, pick) => {
        const x = graph.nodes[pick % graph.nodes.length]?.name ?? "";
        const expected = new Set([x]);
        for (let grew = true; grew; ) {
          grew = false;
          for (const edge of edges) {
            if (expected.has(edge.from) && !expected.has(edge.to)) {
              expected.add(edge.to);
              grew = true;
            }
          }
        }
        const rerun = downstreamOf(graph, x);
        expect(new Set(rerun)).toEqual(expected);
        expect(rerun[0]).toBe(x);
        expect(rerun).toEqual(graph.topoOrder().filter((name) => expected.has(name)));
      }),
    );
  });
});
