// Before a run of a selection: the assets of the notebook it reads (its cells' inputs and
// what their checks read) that are outside the selection and were never materialized, so
// that "Run in production" can say so and offer to include them instead of failing.
import type { CatalogDb } from "../catalog";
import { graphFromEdges, planRun, SelectionError } from "../graph";

export async function neverMaterializedInputs(db: CatalogDb, workspaceId: string, notebook: string, selection: readonly string[]): Promise<string[]> {
  if (selection.length === 0) return [];
  const assets = await db.asset.findMany({ where: { workspaceId, notebook: { slug: notebook } }, select: { id: true, name: true, kind: true, upstream: true } });
  const names = new Set(assets.map((asset) => asset.name));
  const graph = graphFromEdges(
    assets.map((asset) => ({ name: asset.name, kind: asset.kind, line: 1 })),
    // Within the notebook: another notebook's tables cannot join this run.
    assets.flatMap((asset) => asset.upstream.filter((input) => names.has(input) && input !== asset.name).map((input) => ({ from: input, to: asset.name }))),
  );
  let selected: Set<string>;
  try {
    selected = new Set(planRun(graph, selection.join(" ")));
  } catch (error) {
    // A selection the run itself will refuse, with its own message.
    if (error instanceof SelectionError) return [];
    throw error;
  }
  const outside = assets.filter((asset) => !selected.has(asset.name));
  const built = await db.materialization.findMany({
    where: { assetId: { in: outside.map((asset) => asset.id) }, environment: "production", status: "succeeded" },
    distinct: ["assetId"],
    select: { asset: { select: { name: true } } },
  });
  const materialized = new Set(built.map((m) => m.asset.name));
  // What the selection reads directly, and above an input only while it never ran: the input
  // of a materialized table is read from that table, not by this run.
  const missing = new Set<string>();
  const queue = [...selected].flatMap((name) => graph.upstream(name));
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (selected.has(name) || materialized.has(name) || missing.has(name)) continue;
    missing.add(name);
    queue.push(...graph.upstream(name));
  }
  return graph.sortTopologically(missing);
}
