// POST: backfill (or resume) a range of a notebook's partitions: one run per partition that
// has not succeeded and is not in flight, at most `concurrency` at once.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { backfillKeys, notebookPartitionKeys, partitionWindow, isRunInputError, startBackfill } from "@/lib/runs";
import { notebookSlug, runsPort } from "@/app/_lib/run-data";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const partitionKey = z.string().min(1).max(100);
const body = z.object({
  notebook: notebookSlug,
  from: partitionKey.optional(),
  to: partitionKey.optional(),
  concurrency: z.number().int().min(1).max(32).default(4),
  selection: z.array(z.string().min(1).max(200)).max(50).optional(),
});

export const POST = route({ role: "editor", body }, async ({ body, principal }) => {
  const { db, workspaceId } = await appContext();
  const found = await notebookPartitionKeys(db, workspaceId, body.notebook, new Date());
  if (found === null) throw new RouteError(404, `notebook "${body.notebook}" is not partitioned (or not in the catalog)`);
  for (const [field, key] of [["from", body.from], ["to", body.to]] as const) {
    if (key !== undefined && partitionWindow(found.def, key) === null) throw new RouteError(400, `${field}: "${key}" is not a partition of ${body.notebook}`, { field });
  }
  const until = new Date();
  if (backfillKeys(found.def, { ...(body.from ? { from: body.from } : {}), ...(body.to ? { to: body.to } : {}), until }).length === 0) {
    throw new RouteError(400, `to: "${body.to ?? ""}" comes before from: "${body.from ?? ""}"`, { field: "to" });
  }
  const { runs } = await runsPort();
  try {
    const backfillId = randomUUID();
    const { triggered } = await startBackfill(runs, db, found.def, {
      workspaceId,
      notebook: body.notebook,
      ...(body.from ? { from: body.from } : {}),
      ...(body.to ? { to: body.to } : {}),
      until,
      concurrency: body.concurrency,
      backfillId,
      ...(body.selection ? { selection: body.selection } : {}),
      createdById: signedIn(principal).userId,
    });
    return { backfillId, triggered };
  } catch (error) {
    if (isRunInputError(error)) throw new RouteError(404, error.message);
    throw error;
  }
});
