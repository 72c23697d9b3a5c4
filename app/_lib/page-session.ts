// Pages that need a signed-in member: redirect to /login otherwise.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { roleAtLeast, type Principal, type Role } from "@/lib/auth";
import { principalOf } from "./session";

export type PageAccess = { principal: Principal; allowed: true } | { principal: Principal; allowed: false };

export async function requireMember(least: Role, next: string): Promise<PageAccess> {
  const principal = await principalOf(await headers());
  if (!principal) redirect(`/login?next=${encodeURIComponent(next)}`);
  return roleAtLeast(principal.role, least) ? { principal, allowed: true } : { principal, allowed: false };
}
