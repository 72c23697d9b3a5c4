import { describe, expect, it } from "vitest";
import { describeEdges } from "./describe";
import { graphFromEdges } from "./topology";

const nodes = (...names: string[]) => names.map((name) => ({ name, kind: "sql" as const, line: 1 }));

describe("describeEdges", () => {
  it("names who feeds whom, and independent assets apart", () => {
    const graph = graphFromEdges(nodes("customers", "orders", "daily_revenue", "top_customers", "revenue_per_day", "constants"), [
      { from: "orders", to: "daily_revenue" },
      { from: "orders", to: "top_customers" },
      { from: "customers", to: "top_customers" },
      { from: "daily_revenue", to: "revenue_per_day" },
    ]);
    expect(describeEdges(graph)).toBe("customers -> top_customers; orders -> daily_revenue, top_customers; daily_revenue -> revenue_per_day; constants");
  });

  it("a chain is a chain", () => {
    expect(describeEdges(graphFromEdges(nodes("a", "b"), [{ from: "a", to: "b" }]))).toBe("a -> b");
  });
});
