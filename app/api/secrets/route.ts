// GET: secret names, their allowed hosts and when each was last set (never values).
// PUT: set one (owners): a value, its allowed hosts, or both.
import { z } from "zod";
import { listSecrets, secretNameSchema, setSecret, setSecretAllowedHosts } from "@/lib/catalog";
import { allowedHostsSchema } from "@/lib/secrets/allowed-hosts";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const GET = route({ role: "owner" }, async () => {
  const { db, workspaceId } = await appContext();
  const secrets = await listSecrets(db, workspaceId);
  return { secrets: secrets.map((s) => ({ name: s.name, allowedHosts: s.allowedHosts, updatedAt: s.updatedAt.toISOString() })) };
});

const body = z
  .object({
    name: secretNameSchema,
    value: z.string().min(1).max(10_000).optional(),
    /** Empty: any host. Absent with a value: a new secret gets none, an existing one keeps its own. */
    allowedHosts: allowedHostsSchema.optional(),
  })
  .refine((b) => b.value !== undefined || b.allowedHosts !== undefined, { message: "set a value, allowed hosts, or both", path: ["value"] });

export const PUT = route({ role: "owner", body }, async ({ body, principal }) => {
  const { db, workspaceId, secretKey } = await appContext();
  const actorId = signedIn(principal).userId;
  if (body.value !== undefined) {
    await setSecret(db, secretKey, { workspaceId, name: body.name, value: body.value, allowedHosts: body.allowedHosts, actorId });
  } else if (body.allowedHosts !== undefined) {
    const found = await setSecretAllowedHosts(db, { workspaceId, name: body.name, allowedHosts: body.allowedHosts, actorId });
    if (!found) throw new RouteError(404, `secret ${body.name} does not exist: set its value first`);
  }
  return { name: body.name };
});
