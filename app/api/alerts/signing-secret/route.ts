// GET: the secret webhooks are signed with (owners, to configure a receiver); POST: rotate it.
import { rotateSigningSecret, signingSecret } from "@/lib/alerts/signing";
import { route } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const noStore = { headers: { "cache-control": "no-store" } };

export const GET = route({ role: "owner" }, async () => {
  const { db, secretKey, workspaceId } = await appContext();
  return Response.json({ secret: await signingSecret(db, secretKey, workspaceId) }, noStore);
});

export const POST = route({ role: "owner" }, async () => {
  const { db, secretKey, workspaceId } = await appContext();
  return Response.json({ secret: await rotateSigningSecret(db, secretKey, workspaceId) }, noStore);
});
