// The sign-in throttle on an injected clock: limits per account and per address, the
// lockout that doubles, reset on success, and parallel attempts that cannot race past it.
import { describe, expect, it } from "vitest";
import { SignInThrottle, type Admission, type ThrottlePolicy } from "./sign-in-throttle";

const account: ThrottlePolicy = { maxFailures: 3, windowMs: 60_000, lockoutMs: 10_000, maxLockoutMs: 40_000 };
const address: ThrottlePolicy = { maxFailures: 5, windowMs: 60_000, lockoutMs: 20_000, maxLockoutMs: 80_000 };

function clocked(options: { maxKeys?: number } = {}) {
  let now = 1_000_000;
  const throttle = new SignInThrottle({ account, address, now: () => now, ...options });
  return { throttle, advance: (ms: number) => (now += ms) };
}

function admitted(admission: Admission) {
  if (!admission.admitted) throw new Error(`refused for ${admission.retryAfterMs} ms`);
  return admission.attempt;
}

const refusal = (admission: Admission) => (admission.admitted ? null : admission.retryAfterMs);

/** `n` failed attempts of `who` from `from`, each admitted. */
function fail(throttle: SignInThrottle, who: string, from: string | null, n: number) {
  for (let i = 0; i < n; i++) admitted(throttle.admit(who, from)).failed();
}

describe("SignInThrottle", () => {
  it("locks an account out at its limit, from any address, for the lockout", () => {
    const { throttle, advance } = clocked();
    fail(throttle, "a@example.com", "10.0.0.1", 2);
    fail(throttle, "a@example.com", "10.0.0.2", 1);
    expect(refusal(throttle.admit("a@example.com", "10.0.0.3"))).toBe(10_000);
    // Another account from the same addresses is not affected.
    expect(throttle.admit("b@example.com", "10.0.0.1").admitted).toBe(true);
    advance(9_999);
    expect(refusal(throttle.admit("a@example.com", "10.0.0.3"))).toBe(1);
    advance(1);
    expect(throttle.admit("a@example.com", "10.0.0.3").admitted).toBe(true);
  });

  it("doubles each further lockout of the same key, up to the cap", () => {
    const { throttle, advance } = clocked();
    const lockouts: number[] = [];
    for (let round = 0; round < 5; round++) {
      fail(throttle, "a@example.com", `10.0.1.${round}`, 3);
      const wait = refusal(throttle.admit("a@example.com", "10.0.2.1"));
      if (wait === null) throw new Error("not locked");
      lockouts.push(wait);
      advance(wait);
    }
    expect(lockouts).toEqual([10_000, 20_000, 40_000, 40_000, 40_000]);
  });

  it("forgets failures outside the window, and lockouts after a quiet spell as long as the cap", () => {
    const { throttle, advance } = clocked();
    fail(throttle, "a@example.com", "10.0.0.1", 2);
    advance(60_001);
    fail(throttle, "a@example.com", "10.0.0.1", 2);
    expect(throttle.admit("a@example.com", "10.0.0.1").admitted).toBe(true);

    // (Each round from its own address, so only the account's record is in play.)
    const { throttle: second, advance: later } = clocked();
    fail(second, "a@example.com", "10.0.0.1", 3);
    later(10_000);
    fail(second, "a@example.com", "10.0.0.2", 3);
    expect(refusal(second.admit("a@example.com", "10.0.0.9"))).toBe(20_000);
    later(20_000 + 40_000);
    fail(second, "a@example.com", "10.0.0.3", 3);
    expect(refusal(second.admit("a@example.com", "10.0.0.9"))).toBe(10_000);
  });

  it("clears the account's record on success, but not the address's", () => {
    const { throttle } = clocked();
    fail(throttle, "a@example.com", "10.0.0.1", 2);
    admitted(throttle.admit("a@example.com", "10.0.0.1")).succeeded();
    fail(throttle, "a@example.com", "10.0.0.1", 2);
    // Four failures in all, but the account's count restarted at the success: admitted.
    admitted(throttle.admit("a@example.com", "10.0.0.1")).succeeded();
    // The address kept its 4 failures of 5: one more, from any account, locks it.
    fail(throttle, "c@example.com", "10.0.0.1", 1);
    expect(refusal(throttle.admit("d@example.com", "10.0.0.1"))).toBe(20_000);
    expect(throttle.admit("d@example.com", "10.0.0.9").admitted).toBe(true);
  });

  it("locks an address spraying many accounts, and refuses with the longer wait when both are locked", () => {
    const { throttle } = clocked();
    for (let i = 0; i < 5; i++) fail(throttle, `user${i}@example.com`, "10.0.0.1", 1);
    expect(refusal(throttle.admit("new@example.com", "10.0.0.1"))).toBe(20_000);
    fail(throttle, "a@example.com", "10.0.0.2", 3);
    expect(refusal(throttle.admit("a@example.com", "10.0.0.1"))).toBe(20_000);
    expect(refusal(throttle.admit("a@example.com", "10.0.0.2"))).toBe(10_000);
  });

  it("counts every attempt whose address is unknown against one shared record", () => {
    const { throttle } = clocked();
    for (let i = 0; i < 5; i++) fail(throttle, `user${i}@example.com`, null, 1);
    expect(throttle.admit("new@example.com", null).admitted).toBe(false);
    expect(throttle.admit("new@example.com", "10.0.0.1").admitted).toBe(true);
  });

  it("does not let parallel attempts race past the limit", () => {
    const { throttle } = clocked();
    const inFlight = Array.from({ length: 10 }, () => throttle.admit("a@example.com", "10.0.0.1"));
    expect(inFlight.filter((a) => a.admitted)).toHaveLength(3);
    for (const admission of inFlight) if (admission.admitted) admission.attempt.failed();
    expect(refusal(throttle.admit("a@example.com", "10.0.0.1"))).toBe(10_000);
  });

  it("counts an attempt's outcome once", () => {
    const { throttle } = clocked();
    const attempt = admitted(throttle.admit("a@example.com", "10.0.0.1"));
    attempt.failed();
    attempt.failed();
    attempt.failed();
    fail(throttle, "a@example.com", "10.0.0.1", 1);
    expect(throttle.admit("a@example.com", "10.0.0.1").admitted).toBe(true);
  });

  it("keeps at most maxKeys records per policy: a flood of names evicts the oldest, but the flooding address stays locked", () => {
    const { throttle } = clocked({ maxKeys: 4 });
    fail(throttle, "a@example.com", "10.1.0.1", 3);
    expect(throttle.admit("a@example.com", "10.1.0.2").admitted).toBe(false);
    // Five new names from one address: the address locks; the oldest name records make room.
    for (let i = 0; i < 5; i++) fail(throttle, `user${i}@example.com`, "10.9.9.9", 1);
    expect(refusal(throttle.admit("next@example.com", "10.9.9.9"))).toBe(20_000);
    // The price of bounded memory: a's record was the oldest and went (a real limit holds 10,000).
    expect(throttle.admit("a@example.com", "10.1.0.3").admitted).toBe(true);
  });
});
