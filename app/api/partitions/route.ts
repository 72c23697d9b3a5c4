// GET ?notebook=: the notebook's partitions (newest last) with each one's state from its runs.
import { z } from "zod";
import { notebookPartitionKeys, partitionStates } from "@/lib/runs";
import { notebookSlug } from "@/app/_lib/run-data";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

/** Hourly partitions over years are many: the grid and its counts cover the newest ones. */
const SHOWN = 400;

export const GET = route({ role: "viewer", query: z.object({ notebook: notebookSlug }) }, async ({ query }) => {
  const { db, workspaceId } = await appContext();
  const found = await notebookPartitionKeys(db, workspaceId, query.notebook, new Date(), SHOWN);
  if (found === null) throw new RouteError(404, `notebook "${query.notebook}" is not partitioned (or not in the catalog)`);
  const states = await partitionStates(db, workspaceId, query.notebook, found.keys);
  const counts: Record<string, number> = {};
  for (const s of states) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return { type: found.def.type, total: states.length, newestOnly: states.length === SHOWN, counts, partitions: states };
});
