import { expect, it } from "vitest";
import { lineage } from "./lineage";
import { graphFromEdges } from "./topology";

it("lists nodes in graph order with fan-in and fan-out, and the edges", () => {
  const graph = graphFromEdges(
    [
      { name: "chart", kind: "chart", line: 20 },
      { name: "raw", kind: "extract", line: 3 },
    ],
    [{ from: "raw", to: "chart" }],
  );
  expect(lineage(graph)).toEqual({
    nodes: [
      { id: "raw", kind: "extract", line: 3, upstream: 0, downstream: 1 },
      { id: "chart", kind: "chart", line: 20, upstream: 1, downstream: 0 },
    ],
    edges: [{ from: "raw", to: "chart" }],
  });
});
