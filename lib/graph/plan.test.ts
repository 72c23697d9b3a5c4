import { describe, expect, it } from "vitest";
import { downstreamOf, parseSelection, planRun, SelectionError, skipAfterFailure, type SelectableAsset } from "./plan";
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
  it("reads the four selector forms: spaces make a union, commas an intersection", () => {
    const sel = (method: string, value: string, withAncestors = false, withDescendants = false) => ({ method, value, withAncestors, withDescendants });
    expect(parseSelection("a b+ +c  +d+ tag:x,kind:sql+")).toEqual([
      [sel("name", "a")],
      [sel("name", "b", false, true)],
      [sel("name", "c", true, false)],
      [sel("name", "d", true, true)],
      [sel("tag", "x"), sel("kind", "sql", false, true)],
    ]);
  });

  it("rejects malformed selectors and unknown methods", () => {
    expect(() => parseSelection("a++")).toThrow(SelectionError);
    expect(() => parseSelection("+")).toThrow('invalid selector "+"');
    expect(() => parseSelection("a,")).toThrow('invalid selector "a,"');
    expect(() => parseSelection("tags:x")).toThrow('unknown selector method "tags:" (did you mean "tag"?)');
  });

  it("a comma takes in the spaces around it", () => {
    expect(parseSelection("a , b+  c")).toEqual(parseSelection("a,b+ c"));
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
    expect(planRun(graph, "chart other model+ +model")).toEqual(["raw", "other", "clean", "model", "chart"]);
  });

  it("an intersection of selectors (commas)", () => {
    expect(planRun(graph, "clean+,+chart")).toEqual(["clean", "daily", "chart"]);
    expect(planRun(graph, "clean+,other")).toEqual([]);
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

describe("selector methods", () => {
  // raw (extract, ingest) -> clean -> daily (finance) -> chart (chart) ; clean -> model (ml) ; other in a second notebook
  const kinds = { raw: "extract", other: "sql", clean: "sql", daily: "sql", model: "ml", chart: "chart" } as const;
  const mixed = graphFromEdges(
    (["raw", "other", "clean", "daily", "model", "chart"] as const).map((name, i) => ({ name, kind: kinds[name], line: i * 5 + 1 })),
    [
      { from: "raw", to: "clean" },
      { from: "clean", to: "daily" },
      { from: "daily", to: "chart" },
      { from: "clean", to: "model" },
    ],
  );
  const attributes: Record<string, SelectableAsset> = {
    raw: { tags: ["ingest"], owners: ["data@example.com"], notebook: "shop", path: "notebooks/shop.md" },
    clean: { tags: [], owners: ["data@example.com"], notebook: "shop", path: "notebooks/shop.md" },
    daily: { tags: ["finance", "nightly"], owners: ["data@example.com"], notebook: "shop", path: "notebooks/shop.md" },
    model: { tags: ["nightly"], owners: ["data@example.com"], notebook: "shop", path: "notebooks/shop.md" },
    chart: { tags: [], owners: ["data@example.com"], notebook: "shop", path: "notebooks/shop.md" },
    other: { tags: ["finance"], owners: ["ana@example.com"], notebook: "ledger", path: "notebooks/finance/ledger.md" },
  };
  const plan = (selection: string) => planRun(mixed, selection, (name) => attributes[name]);

  it("tag:, owner:, kind:, notebook: and path: select by what the notebook says", () => {
    expect(plan("tag:finance")).toEqual(["other", "daily"]);
    expect(plan("owner:ANA@example.com")).toEqual(["other"]);
    expect(plan("kind:ml kind:chart")).toEqual(["model", "chart"]);
    expect(plan("notebook:ledger")).toEqual(["other"]);
    expect(plan("path:notebooks/finance")).toEqual(["other"]);
    expect(plan("path:notebooks/shop.md")).toEqual(["raw", "clean", "daily", "model", "chart"]);
  });

  it("+ takes a method selector's ancestors or descendants, and commas intersect", () => {
    expect(plan("+tag:finance")).toEqual(["raw", "other", "clean", "daily"]);
    expect(plan("tag:ingest+,kind:sql")).toEqual(["clean", "daily"]);
    expect(plan("tag:nightly,kind:sql tag:ingest")).toEqual(["raw", "daily"]);
  });

  it("a method selector that matches nothing is an error with a suggestion", () => {
    expect(() => plan("tag:finanse")).toThrow('no asset matches tag:finanse (did you mean "finance"?) in selection "tag:finanse"');
    expect(() => plan("kind:extract,tag:nope daily")).toThrow(/no asset matches tag:nope/);
  });

  it("without attributes, only names and kinds select", () => {
    expect(planRun(mixed, "kind:extract")).toEqual(["raw"]);
    expect(() => planRun(mixed, "tag:finance")).toThrow(SelectionError);
  });
});
