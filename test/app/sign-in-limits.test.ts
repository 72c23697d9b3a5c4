// Sign-in limits through the real POST /api/session on an embedded store: per account and
// per client address, 429 with Retry-After, the same answer whether or not the account
// exists, reset by a successful sign-in, and no way past them with parallel requests.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCOUNT_POLICY, ADDRESS_POLICY, addMember, completeSetup, startSetup } from "@/lib/auth";
import type { AppContext } from "@/app/_lib/server-context";

const PASSWORD = "a long enough password";
let context: AppContext;
let POST: (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.ASSETBOOK_TRUSTED_PROXIES;
  process.env.ASSETBOOK_CATALOG_DIR = "memory://sign-in-limits";
  process.env.ASSETBOOK_AUTH_SECRET = "limits-secret-".padEnd(48, "l");
  process.env.ASSETBOOK_SECRET_KEY = "d".repeat(64);
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  const { appContext } = await import("@/app/_lib/server-context");
  context = await appContext();
  const token = await startSetup(context.db, context.workspaceId);
  if (token === null) throw new Error("no setup token");
  const owner = await completeSetup(context.db, context.auth, { workspaceId: context.workspaceId, token, email: "owner@example.com", name: "Owner", password: PASSWORD });
  for (const email of ["member@example.com", "real@example.com"]) {
    await addMember(context.db, context.auth, { workspaceId: context.workspaceId, actorId: owner.id, email, name: "Member", password: PASSWORD, role: "viewer" });
  }
  ({ POST } = await import("@/app/api/session/route"));
});

afterAll(async () => {
  await context?.store.close();
});

interface Answer {
  status: number;
  body: unknown;
  retryAfter: string | null;
  cookie: boolean;
}

/** POST /api/session as the sign-in form sends it, from `address` (as Next.js sets X-Forwarded-For from the socket). */
async function signIn(email: string, password: string, address: string): Promise<Answer> {
  const request = new Request("http://app.test/api/session", {
    method: "POST",
    headers: { host: "app.test", origin: "http://app.test", "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ email, password }),
  });
  const response = await POST(request, { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json(), retryAfter: response.headers.get("retry-after"), cookie: response.headers.getSetCookie().length > 0 };
}

const statuses = (answers: Answer[]) => answers.map((a) => a.status);
const repeat = <T>(n: number, f: (i: number) => Promise<T>) => Array.from({ length: n }, (_, i) => i).reduce<Promise<T[]>>(async (acc, i) => [...(await acc), await f(i)], Promise.resolve([]));

describe("sign-in limits", () => {
  it("lock an account after its failures, even against the right password, with Retry-After", async () => {
    const failures = await repeat(ACCOUNT_POLICY.maxFailures, () => signIn("owner@example.com", "wrong password", "198.51.100.1"));
    expect(statuses(failures)).toEqual(Array(ACCOUNT_POLICY.maxFailures).fill(401));
    const locked = await signIn("owner@example.com", PASSWORD, "198.51.100.2");
    expect(locked.status).toBe(429);
    expect(locked.retryAfter).toBe(String(ACCOUNT_POLICY.lockoutMs / 1000));
    expect(locked.cookie).toBe(false);
    // The address itself is not locked: another account signs in from it.
    expect((await signIn("member@example.com", PASSWORD, "198.51.100.1")).status).toBe(200);
  });

  it("answer an unknown account exactly as a real one", async () => {
    const real = await repeat(ACCOUNT_POLICY.maxFailures + 1, () => signIn("real@example.com", "wrong password", "198.51.100.3"));
    const unknown = await repeat(ACCOUNT_POLICY.maxFailures + 1, () => signIn("nobody@example.com", "wrong password", "198.51.100.4"));
    expect(unknown).toEqual([...Array(ACCOUNT_POLICY.maxFailures).fill(real[0]), real.at(-1)]);
    expect(real.at(-1)?.status).toBe(429);
  });

  it("start an account's count afresh after a successful sign-in", async () => {
    const below = ACCOUNT_POLICY.maxFailures - 1;
    const before = await repeat(below, () => signIn("member@example.com", "wrong password", "198.51.100.5"));
    const success = await signIn("member@example.com", PASSWORD, "198.51.100.5");
    const after = await repeat(below, () => signIn("member@example.com", "wrong password", "198.51.100.5"));
    expect([...statuses(before), success.status, ...statuses(after)]).toEqual([...Array(below).fill(401), 200, ...Array(below).fill(401)]);
    expect(success.cookie).toBe(true);
    // The count did restart: one more failure reaches the limit.
    await signIn("member@example.com", "wrong password", "198.51.100.5");
    expect((await signIn("member@example.com", PASSWORD, "198.51.100.6")).status).toBe(429);
  });

  it("lock an address that tries many accounts, whatever it puts in front of its address", async () => {
    const spray = await repeat(ADDRESS_POLICY.maxFailures, (i) => signIn(`spray${i}@example.com`, "wrong password", "198.51.100.7"));
    expect(statuses(spray)).toEqual(Array(ADDRESS_POLICY.maxFailures).fill(401));
    const next = await signIn("fresh@example.com", "wrong password", "198.51.100.7");
    expect(next.status).toBe(429);
    expect(next.retryAfter).toBe(String(ADDRESS_POLICY.lockoutMs / 1000));
    expect((await signIn("fresh@example.com", "wrong password", "203.0.113.9, 198.51.100.7")).status).toBe(429);
    expect((await signIn("fresh@example.com", "wrong password", "198.51.100.8")).status).toBe(401);
  });

  it("let no more parallel guesses through than the limit", async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => signIn("parallel@example.com", "wrong password", "198.51.100.9")));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(ACCOUNT_POLICY.maxFailures);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(12 - ACCOUNT_POLICY.maxFailures);
  });
});
