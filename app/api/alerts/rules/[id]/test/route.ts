// POST: the rule's "Send test": one notification through the rule's destination, delivered
// by the workers like any alert; its fate shows in the rule's delivery history.
import { z } from "zod";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";
import { appAlerts } from "@/app/_lib/alert-data";

export const POST = route({ role: "owner", params: z.object({ id: z.string().min(1) }) }, async ({ params }) => {
  const { workspaceId } = await appContext();
  const delivery = await (await appAlerts()).sendTest(workspaceId, params.id);
  if (delivery === null) throw new RouteError(404, "no such rule");
  return { delivery };
});
