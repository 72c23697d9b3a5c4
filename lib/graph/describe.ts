// A notebook's graph in one line for the terminal: who feeds whom, so that independent
// cells do not read as a chain ("customers -> top_customers; orders -> daily_revenue,
// top_customers; daily_revenue -> revenue_per_day").
import type { AssetGraph } from "./topology";

export function describeEdges(graph: AssetGraph): string {
  return graph
    .topoOrder()
    .flatMap((name) => {
      const below = graph.downstream(name);
      if (below.length > 0) return [`${name} -> ${graph.sortTopologically(below).join(", ")}`];
      // An asset nothing reads is named on its own only when it reads nothing either.
      return graph.upstream(name).length === 0 ? [name] : [];
    })
    .join("; ");
}
