// After a promotion of a partitioned notebook's changes, production backfills the partitions
// the environment did not build: one production run per partition, into the versions the
// promotion made production's (production runs write what production serves), at most a few
// at once. The promoted text is what these runs execute.
import type { CatalogDb } from "../catalog";
import { productionVersion } from "../catalog/production";
import type { PromotedBackfill } from "../lifecycle/promote";
import { textPartitions } from "../lifecycle/partitions";
import { backfillKeys, triggerPartitionRuns } from "./backfill";
import type { RunTriggers } from "./trigger";

/** Lanes of a promotion's backfill: partitions run at most this many at once. */
const LANES = 4;

export async function backfillPromoted(
  runs: Pick<RunTriggers, "triggerRun">,
  db: CatalogDb,
  input: { workspaceId: string; promotion: string; entries: readonly PromotedBackfill[]; now: Date },
): Promise<{ notebook: string; triggered: string[] }[]> {
  const started: { notebook: string; triggered: string[] }[] = [];
  for (const entry of input.entries) {
    const production = await productionVersion(db, input.workspaceId, entry.notebook);
    const def = production === null ? null : textPartitions({ slug: entry.notebook, text: production.text });
    if (def === null) continue;
    const built = new Set(entry.built);
    const keys = backfillKeys(def, { until: input.now }).filter((key) => !built.has(key));
    await triggerPartitionRuns(runs, { workspaceId: input.workspaceId, notebook: entry.notebook, keys, concurrency: LANES, backfillId: input.promotion, selection: entry.assets });
    started.push({ notebook: entry.notebook, triggered: keys });
  }
  return started;
}
