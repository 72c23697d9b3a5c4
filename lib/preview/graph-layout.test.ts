import { describe, expect, it } from "vitest";
import { edgePath, fitView, LARGE_GRAPH, layoutGraph, nodeWidth, READABLE_ZOOM, visiblePart, type GraphLayout } from "./graph-layout";

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

  it("opens a small graph whole and centred, a tall one at a readable zoom on nodes of its first rank", () => {
    const small = layoutGraph([{ id: "a", label: "a" }, { id: "b", label: "b" }], [{ from: "a", to: "b" }]);
    const whole = fitView(small, 1_000, 600);
    expect(whole.k).toBe(1);
    expect(whole.x).toBeCloseTo((1_000 - small.width) / 2);

    // A lineage like a workspace's: each asset reads one to three earlier ones, most often a
    // few places back (the same notebook's chain). Laid out, it is far taller than the frame.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const n = 320;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `asset_${i}`, label: `asset_${String(i).padStart(5, "0")}` }));
    const edges: { from: string; to: string }[] = [];
    for (let i = 1; i < n; i++) {
      for (let reads = 1 + Math.floor(random() * 3); reads > 0; reads--) {
        const j = random() < 0.8 ? i - 6 * (1 + Math.floor(random() * 3)) : Math.floor(random() * i);
        if (j >= 0) edges.push({ from: `asset_${j}`, to: `asset_${i}` });
      }
    }
    const tall = layoutGraph(nodes, edges);
    const [width, height] = [1_200, 600];
    const view = fitView(tall, width, height);
    expect(tall.height * READABLE_ZOOM).toBeGreaterThan(height);
    expect(view.k).toBe(READABLE_ZOOM);
    const shownAt = (v: { x: number; y: number; k: number }) =>
      visiblePart(tall, { left: -v.x / v.k, top: -v.y / v.k, right: (width - v.x) / v.k, bottom: (height - v.y) / v.k }).nodes.length;
    // More nodes than the top-left corner shows, and more than a handful.
    expect(shownAt(view)).toBeGreaterThan(shownAt({ ...view, y: 0 }));
    expect(shownAt(view)).toBeGreaterThanOrEqual(10);
  });
});
