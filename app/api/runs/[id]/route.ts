// GET: one run with its per-asset timeline (state, attempts, rows, duration) and events.
import { z } from "zod";
import { loadRun } from "@/app/_lib/run-data";
import { route, RouteError } from "@/app/_lib/route";

export const GET = route({ role: "viewer", params: z.object({ id: z.uuid() }) }, async ({ params }) => {
  const run = await loadRun(params.id);
  if (run === null) throw new RouteError(404, "no run with this id");
  return { run };
});
