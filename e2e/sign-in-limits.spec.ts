// The sign-in limits on the built server, where the client's address is the socket's: a
// client cannot dodge the per-address limit by writing its own X-Forwarded-For (no proxy
// is trusted here, so proxy.ts drops it and Next.js sets the socket's address).
//
// This locks the loopback address out of signing in for a minute: specs after this one
// run on the saved session (OWNER_STATE) and do not sign in.
import { ADDRESS_POLICY } from "../lib/auth/sign-in-throttle";
import { expect, test } from "./fixtures";

test("a client spraying accounts is locked out by address, whatever X-Forwarded-For it sends", async ({ playwright }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL;
  if (!baseURL) throw new Error("baseURL is not set in playwright.config.ts");
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const run = crypto.randomUUID().slice(0, 8);
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  // A new account name and a new forged address each time: only the real address repeats.
  for (let i = 0; i <= ADDRESS_POLICY.maxFailures; i++) {
    const response = await anonymous.post("/api/session", {
      data: { email: `spray-${run}-${i}@example.com`, password: "not the password" },
      headers: { origin: new URL(baseURL).origin, "x-forwarded-for": `203.0.113.${i + 1}` },
    });
    statuses.push(response.status());
    if (response.status() === 429) {
      retryAfter = response.headers()["retry-after"];
      expect(await response.json()).toEqual({ error: "too many sign-in attempts: wait a moment and try again" });
      break;
    }
  }
  // Earlier specs may have failed once or twice from this address too: the limit comes no later.
  expect(statuses.at(-1), statuses.join(" ")).toBe(429);
  expect(statuses.slice(0, -1).every((s) => s === 401), statuses.join(" ")).toBe(true);
  expect(statuses.length).toBeGreaterThan(ADDRESS_POLICY.maxFailures - 5);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  await anonymous.dispose();
});
