// DELETE: revoke an API token, the caller's own (an owner: anyone's). The next request
// with it answers 401.
import { z } from "zod";
import { requiredRole, revokeApiToken } from "@/lib/auth";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const DELETE = route({ role: requiredRole("manage_own_api_tokens"), params: z.object({ id: z.uuid() }) }, async ({ params, principal }) => {
  const caller = signedIn(principal);
  const { db, workspaceId } = await appContext();
  const revoked = await revokeApiToken(db, { workspaceId, id: params.id, actor: { userId: caller.userId, role: caller.role } });
  if (!revoked) throw new RouteError(404, "no active API token with this id that you may revoke");
  return { revoked: true };
});
