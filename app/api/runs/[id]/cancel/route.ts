// POST: cancel a queued or running run (409 when it already finished).
import { z } from "zod";
import { loadRun, runsPort } from "@/app/_lib/run-data";
import { route, RouteError } from "@/app/_lib/route";

export const POST = route({ role: "editor", params: z.object({ id: z.uuid() }) }, async ({ params }) => {
  const run = await loadRun(params.id);
  if (run === null) throw new RouteError(404, "no run with this id");
  const { runs } = await runsPort();
  if (!(await runs.cancelRun(run.id))) throw new RouteError(409, `the run already ${run.status}`);
  return { cancelled: true };
});
