// Password hashing: better-auth's scrypt, so what setup writes, sign-in verifies.
import type { Auth } from "./better-auth";

export async function hashPassword(auth: Auth, password: string): Promise<string> {
  const context = await auth.$context;
  return context.password.hash(password);
}
