import { describe, expect, it } from "vitest";
import { edgePath, LARGE_GRAPH, layoutGraph, nodeWidth, visiblePart, type GraphLayout } from "./graph-layout";

describe("layoutGraph", () => {
  it("lays the graph out left to right", () => {
    const layout = layoutGraph(
      [
        { id: "activities", label: "activities" },
        { id: "daily_distance", label: "daily_distance" },
        { id: "km_per_day", label: "km_per_day" },
        { id: "model", label: "model" },
      ],
      [
        { from: "activities", to: "daily_distance" },
        { from: "daily_distance", to: "km_per_day" },
        { from: "activities", to: "model" },
        { from: "activities", to: "missing" },
      ],
    );
    const x = Object.fromEntries(layout.nodes.map((n) => [n.id, n.x]));
    expect(x.activities).toBeLessThan(x.daily_distance ?? 0);
    expect(x.daily_distance).toBeLessThan(x.km_per_day ?? 0);
    expect(layout.edges).toHaveLength(3);
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    expect(layout.width).toBeGreaterThan(0);
    expect(layout.nodes.find((n) => n.id === "daily_distance")?.width).toBe(nodeWidth("daily_distance"));
  });

  it("lays a large graph out left to right too (the faster ranker): every edge points right", () => {
    const n = LARGE_GRAPH + 50;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `a${i}`, label: `a${i}` }));
    const edges = Array.from({ length: n - 1 }, (_, i) => ({ from: `a${Math.floor(i / 3)}`, to: `a${i + 1}` }));
    const layout = layoutGraph(nodes, edges);
    const x = new Map(layout.nodes.map((node) => [node.id, node.x]));
    expect(layout.nodes).toHaveLength(n);
    for (const edge of edges) expect(x.get(edge.from) ?? Infinity).toBeLessThan(x.get(edge.to) ?? -Infinity);
  });

  it("draws edge paths", () => {
    expect(edgePath([])).toBe("");
    expect(edgePath([{ x: 0, y: 0 }, { x: 10, y: 0 }])).toBe("M0,0 L10,0");
    expect(edgePath([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 10 }])).toBe("M0,0 Q10,0 20,10");
  });

  it("keeps the nodes and edges that meet a rectangle, and an edge that crosses it", () => {
    const box = (id: string, x: number, y: number) => ({ id, x, y, width: 100, height: 40 });
    const layout: GraphLayout = {
      nodes: [box("left", 60, 30), box("middle", 400, 30), box("far", 2_000, 30)],
      edges: [
        { from: "left", to: "middle", points: [{ x: 110, y: 30 }, { x: 350, y: 30 }] },
        { from: "left", to: "far", points: [{ x: 110, y: 30 }, { x: 1_950, y: 30 }] },
        { from: "middle", to: "far", points: [{ x: 450, y: 30 }, { x: 1_950, y: 30 }] },
      ],
      width: 2_100,
      height: 60,
    };
    const part = visiblePart(layout, { left: 300, top: 0, right: 800, bottom: 60 });
    expect(part.nodes.map((n) => n.id)).toEqual(["middle"]);
    // left→middle ends in the view; left→far and middle→far cross it.
    expect(part.edges.map((e) => `${e.from}->${e.to}`)).toEqual(["left->middle", "left->far", "middle->far"]);
    const beyond = visiblePart(layout, { left: 2_200, top: 0, right: 2_400, bottom: 60 });
    expect(beyond).toEqual({ nodes: [], edges: [] });
    expect(visiblePart(layout, { left: 0, top: 100, right: 3_000, bottom: 200 }).nodes).toEqual([]);
  });
});
