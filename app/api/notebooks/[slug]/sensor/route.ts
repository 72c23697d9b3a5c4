// GET: the notebook's webhook sensor, its URL and secret (owners; made on first use);
// POST: rotate the secret.
import { z } from "zod";
import { rotateSensorSecret, sensorSecret } from "@/lib/runs/sensors";
import { notebookSlug } from "@/app/_lib/run-data";
import { appConfig } from "@/app/_lib/config";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const params = z.object({ slug: notebookSlug });
const noStore = { headers: { "cache-control": "no-store" } };

function answer(slug: string, secret: string | null, request: Request): Response {
  if (secret === null) throw new RouteError(404, `no notebook "${slug}" in the catalog`);
  const base = appConfig().baseUrl ?? new URL(request.url).origin;
  return Response.json({ url: new URL(`/api/sensors/${encodeURIComponent(slug)}`, base).toString(), secret }, noStore);
}

export const GET = route({ role: "owner", params }, async ({ params, request }) => {
  const { db, secretKey, workspaceId } = await appContext();
  return answer(params.slug, await sensorSecret(db, secretKey, workspaceId, params.slug), request);
});

export const POST = route({ role: "owner", params }, async ({ params, request }) => {
  const { db, secretKey, workspaceId } = await appContext();
  return answer(params.slug, await rotateSensorSecret(db, secretKey, workspaceId, params.slug), request);
});
