// GET: the workspace's inbox (alerts sent to the in-app inbox) and how many are unread;
// POST: mark them all read.
import { inbox, markInboxRead } from "@/lib/alerts/store";
import { route } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const GET = route({ role: "viewer" }, async () => {
  const { db, workspaceId } = await appContext();
  return Response.json(await inbox(db, workspaceId), { headers: { "cache-control": "no-store" } });
});

export const POST = route({ role: "viewer" }, async () => {
  const { db, workspaceId } = await appContext();
  return { read: await markInboxRead(db, workspaceId, new Date()) };
});
