// Pages that need a role: the signed-in member and whether their role suffices. proxy.ts
// already sends a visitor without a session to sign in before any page renders; the
// redirect here is the same, for a session that ended in between.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { roleAtLeast, signInPath, type Principal, type Role } from "@/lib/auth";
import { principalOf } from "./session";

export type PageAccess = { principal: Principal; allowed: true } | { principal: Principal; allowed: false };

export async function requireMember(least: Role, next: string): Promise<PageAccess> {
  const principal = await principalOf(await headers());
  if (!principal) redirect(signInPath(next));
  return roleAtLeast(principal.role, least) ? { principal, allowed: true } : { principal, allowed: false };
}
