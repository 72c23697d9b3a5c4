// POST: a notebook's webhook sensor starts a production run. No session and no CSRF check:
// the signature under the notebook's sensor secret is the credential (lib/runs/sensors.ts).
import { z } from "zod";
import { isRunInputError } from "@/lib/runs";
import { triggerFromSensor } from "@/lib/runs/sensors";
import { notebookSlug, runsPort } from "@/app/_lib/run-data";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const runtime = "nodejs";

/** By name: errors thrown in lib cross bundles, where `instanceof` fails. */
function sensorStatus(error: unknown): number | null {
  return error instanceof Error && error.name === "SensorError" && "status" in error && typeof error.status === "number" ? error.status : null;
}

export const POST = route({ role: "signed", params: z.object({ slug: notebookSlug }) }, async ({ params, request }) => {
  const { db, secretKey, workspaceId } = await appContext();
  try {
    const run = await triggerFromSensor({ db, key: secretKey, runs: async () => (await runsPort()).runs }, { workspaceId, slug: params.slug, body: await request.text(), headers: request.headers, now: new Date() });
    return Response.json({ run: run.runId, created: run.created }, { status: run.created ? 201 : 200 });
  } catch (error) {
    const status = sensorStatus(error);
    if (status !== null && error instanceof Error) throw new RouteError(status, error.message);
    if (isRunInputError(error)) throw new RouteError(error.kind === "invalid" ? 422 : 404, error.message);
    throw error;
  }
});
