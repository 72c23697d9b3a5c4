// GET: a run's events after `after` (an event id), for polling the log; also the run's status.
import { z } from "zod";
import { runEventsAfter } from "@/lib/runs";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const query = z.object({ after: z.string().regex(/^\d{1,19}$/, "an event id").optional() });

export const GET = route({ role: "viewer", params: z.object({ id: z.uuid() }), query }, async ({ params, query }) => {
  const { db, workspaceId } = await appContext();
  const result = await runEventsAfter(db, workspaceId, params.id, query.after === undefined ? undefined : BigInt(query.after));
  if (result === null) throw new RouteError(404, "no run with this id");
  return result;
});
