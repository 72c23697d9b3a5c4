// First run: while a workspace has no owner, a one-time setup token (256 bits from
// the CSPRNG, only its sha256 stored) lets exactly one person become the owner.
// There is never a default password.
import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "../catalog/audit";
import type { User } from "../catalog/generated/client";
import type { CatalogDb } from "../catalog/store";
import type { Auth } from "./better-auth";
import { hashPassword } from "./passwords";

const SETUP_TTL_MS = 24 * 60 * 60 * 1000;

export class SetupError extends Error {
  override name = "SetupError";
}

const setupIdentifier = (workspaceId: string) => `setup:${workspaceId}`;
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export async function hasOwner(db: CatalogDb, workspaceId: string): Promise<boolean> {
  return (await db.member.count({ where: { workspaceId, role: "owner" } })) > 0;
}

/**
 * A fresh setup token when the workspace has no owner (earlier ones stop working),
 * else null. The caller prints `/setup?token=…` once; the token is not kept anywhere.
 */
export async function startSetup(db: CatalogDb, workspaceId: string, now: Date = new Date()): Promise<string | null> {
  if (await hasOwner(db, workspaceId)) return null;
  const token = randomBytes(32).toString("base64url");
  const identifier = setupIdentifier(workspaceId);
  await db.$transaction([
    db.verification.deleteMany({ where: { identifier } }),
    db.verification.create({
      data: { id: crypto.randomUUID(), identifier, value: sha256(token), expiresAt: new Date(now.getTime() + SETUP_TTL_MS) },
    }),
  ]);
  return token;
}

/** True when the token would be accepted now (for the setup page). */
export async function isSetupTokenValid(db: CatalogDb, workspaceId: string, token: string, now: Date = new Date()): Promise<boolean> {
  const found = await db.verification.findFirst({ where: { identifier: setupIdentifier(workspaceId), value: sha256(token), expiresAt: { gt: now } } });
  return found !== null;
}

export interface CompleteSetupInput {
  workspaceId: string;
  token: string;
  email: string;
  name: string;
  password: string;
  now?: Date;
}

/** Creates the owner and consumes the token; throws SetupError for a wrong, used or expired token. */
export async function completeSetup(db: CatalogDb, auth: Auth, input: CompleteSetupInput): Promise<User> {
  const now = input.now ?? new Date();
  const passwordHash = await hashPassword(auth, input.password);
  return db.$transaction(async (tx) => {
    // Consuming the token is the lock: of two concurrent setups, one deletes it.
    const { count } = await tx.verification.deleteMany({
      where: { identifier: setupIdentifier(input.workspaceId), value: sha256(input.token), expiresAt: { gt: now } },
    });
    if (count !== 1) throw new SetupError("this setup link is invalid, expired or already used");
    if ((await tx.member.count({ where: { workspaceId: input.workspaceId, role: "owner" } })) > 0) throw new SetupError("the workspace already has an owner");
    const user = await tx.user.create({ data: { email: input.email, name: input.name } });
    await tx.account.create({ data: { id: crypto.randomUUID(), accountId: user.id, providerId: "credential", userId: user.id, password: passwordHash } });
    await tx.member.create({ data: { workspaceId: input.workspaceId, userId: user.id, role: "owner" } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: user.id, action: "workspace.setup", targetType: "member", targetId: user.id });
    return user;
  });
}

/**
 * The setup link as the log prints it: a whole URL a person can open. Without
 * ASSETBOOK_BASE_URL, the server's own port on localhost (PORT, as `next start` and
 * `next dev` are given it; 3000 by default).
 */
export function setupLink(token: string, baseUrl: string | null, env: { PORT?: string | undefined } = {}): string {
  const origin = baseUrl ?? `http://localhost:${/^\d{1,5}$/.test(env.PORT ?? "") ? env.PORT : "3000"}`;
  const url = new URL("setup", origin.endsWith("/") ? origin : `${origin}/`);
  url.searchParams.set("token", token);
  return url.href;
}
