// GET: secret names and when each was last set (never values). PUT: set one (owners).
import { z } from "zod";
import { listSecrets, secretNameSchema, setSecret } from "@/lib/catalog";
import { route, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const GET = route({ role: "owner" }, async () => {
  const { db, workspaceId } = await appContext();
  const secrets = await listSecrets(db, workspaceId);
  return { secrets: secrets.map((s) => ({ name: s.name, updatedAt: s.updatedAt.toISOString() })) };
});

const body = z.object({ name: secretNameSchema, value: z.string().min(1).max(10_000) });

export const PUT = route({ role: "owner", body }, async ({ body, principal }) => {
  const { db, workspaceId, secretKey } = await appContext();
  await setSecret(db, secretKey, { workspaceId, name: body.name, value: body.value, actorId: signedIn(principal).userId });
  return { name: body.name };
});
