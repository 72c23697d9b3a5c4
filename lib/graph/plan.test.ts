import { describe, expect, it } from "vitest";
import { downstreamOf, parseSelection, planRun, SelectionError, skipAfterFailure } from "./plan";
import { graphFromEdges } from "./topology";

// raw -> clean -> daily -> chart ; clean -> model ; other (independent)
const graph = graphFromEdges(
  ["raw", "other", "clean", "daily", "model", "chart"].map((name, i) => ({ name, kind: "sql" as const, line: i * 5 + 1 })),
  [
    { from: "raw", to: "clean" },
    { from: "clean", to: "daily" },
    { from: "daily", to: "chart" },
    { from: "clean", to: "model" },
  ],
);

describe("parseSelection", () => {
  it("reads the four selector forms, separated by spaces or commas", () => {
    expect(parseSelection("a, b+ +c  +d+")).toEqual([
      { name: "a", withAncestors: false, withDescendants: false },
      { name: "b", withAncestors: false, withDescendants: true },
      { name: "c", withAncestors: true, withDescendants: false },
      { name: "d", withAncestors: true, withDescendants: true },
    ]);
  });

  it("rejects malformed selectors", () => {
    expect(() => parseSelection("a++")).toThrow(SelectionError);
    expect(() => parseSelection("+")).toThrow('invalid selector "+"');
  });
});

describe("planRun", () => {
  it("runs everything in graph order without a selection", () => {
    expect(planRun(graph)).toEqual(["raw", "other", "clean", "daily", "model", "chart"]);
    expect(planRun(graph, "  ")).toEqual(planRun(graph));
  });

  it("name: just the cell", () => {
    expect(planRun(graph, "daily")).toEqual(["daily"]);
  });

  it("name+: the cell and everything downstream", () => {
    expect(planRun(graph, "clean+")).toEqual(["clean", "daily", "model", "chart"]);
  });

  it("+name: the cell and everything upstream", () => {
    expect(planRun(graph, "+daily")).toEqual(["raw", "clean", "daily"]);
  });

  it("+name+: both directions", () => {
    expect(planRun(graph, "+daily+")).toEqual(["raw", "clean", "daily", "chart"]);
  });

  it("a union of selectors, in graph order, without repeats", () => {
    expect(planRun(graph, "chart,other model+ +model")).toEqual(["raw", "other", "clean", "model", "chart"]);
  });

  it("matches names case-insensitively and returns canonical names", () => {
    expect(planRun(graph, "DAILY")).toEqual(["daily"]);
  });

  it("names every unknown selector with a suggestion", () => {
    expect(() => planRun(graph, "dayly+ clean zzzzzz")).toThrow(
      'unknown asset "dayly" (did you mean "daily"?); unknown asset "zzzzzz" in selection "dayly+ clean zzzzzz"',
    );
  });
});

describe("downstreamOf", () => {
  it("is the cell and everything below it, in graph order", () => {
    expect(downstreamOf(graph, "clean")).toEqual(["clean", "daily", "model", "chart"]);
    expect(downstreamOf(graph, "chart")).toEqual(["chart"]);
  });

  it("rejects an unknown cell", () => {
    expect(() => downstreamOf(graph, "cleen")).toThrow('unknown asset "cleen" (did you mean "clean"?)');
  });
});

describe("skipAfterFailure", () => {
  it("skips the planned cells downstream of the failure, keeps the rest", () => {
    const plan = planRun(graph);
    expect(skipAfterFailure(plan, "clean", graph)).toEqual(["daily", "model", "chart"]);
    expect(skipAfterFailure(plan, "daily", graph)).toEqual(["chart"]);
    expect(skipAfterFailure(plan, "other", graph)).toEqual([]);
  });

  it("only skips cells that are in the plan", () => {
    expect(skipAfterFailure(["raw", "clean", "daily"], "raw", graph)).toEqual(["clean", "daily"]);
  });
});
