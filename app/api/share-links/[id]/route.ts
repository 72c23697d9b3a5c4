// DELETE: revoke a share link; the next request for it answers 404.
import { z } from "zod";
import { revokeShareLink } from "@/lib/catalog";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const DELETE = route({ role: "editor", params: z.object({ id: z.uuid() }) }, async ({ params, principal }) => {
  const { db, workspaceId } = await appContext();
  const revoked = await revokeShareLink(db, { workspaceId, id: params.id, actorId: signedIn(principal).userId });
  if (!revoked) throw new RouteError(404, "no active share link with this id");
  return { revoked: true };
});
