// better-auth on our own Prisma store: email and password (scrypt), sessions in the
// `sessions` table, a signed HttpOnly SameSite=Lax cookie. Public sign-up is off: the
// first owner arrives through the one-time setup link, later members are added by owners.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import type { CatalogDb } from "../catalog/store";

export interface AuthOptions {
  /** At least 32 characters; signs the session cookie. */
  secret: string;
  /** The app's public URL, when known (its scheme decides Secure cookies). */
  baseURL?: string;
  /** Default: true unless baseURL is plain http. */
  secureCookies?: boolean;
  /** Session lifetime in seconds (default 7 days). */
  expiresIn?: number;
}

export const SESSION_COOKIE = "assetbook.session_token";

/** The origin a request was addressed to (its Host header). */
function requestOrigin(request: Request | undefined): string | null {
  if (!request) return null;
  const url = new URL(request.url);
  return `${url.protocol}//${request.headers.get("host") ?? url.host}`;
}

export function createAuth(db: CatalogDb, options: AuthOptions) {
  if (options.secret.length < 32) throw new Error("the auth secret must be at least 32 characters");
  const secure = options.secureCookies ?? !(options.baseURL?.startsWith("http://") ?? false);
  return betterAuth({
    appName: "Assetbook",
    secret: options.secret,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    database: prismaAdapter(db, { provider: "postgresql" }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10, maxPasswordLength: 256 },
    session: { expiresIn: options.expiresIn ?? 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    trustedOrigins: (request) => [requestOrigin(request)],
    telemetry: { enabled: false },
    logger: { disabled: true },
    advanced: {
      useSecureCookies: secure,
      cookiePrefix: "assetbook",
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure, path: "/" },
      database: { generateId: () => crypto.randomUUID() },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
