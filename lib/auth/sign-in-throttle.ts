// Sign-in throttling: failed attempts are counted per account and per client address; the
// failure that reaches a key's limit inside its window locks the key out, and every further
// lockout of the same key lasts twice as long as the one before (up to a cap). A successful
// sign-in clears its account's record (not its address's: one valid account must not buy
// unlimited guesses at the others). Framework-free and in memory, so per process: a team
// running several app servers gets each server's limits. The clock is injected for tests.

export interface ThrottlePolicy {
  /** Failures a key may have inside `windowMs`; the one that reaches it locks the key. */
  maxFailures: number;
  windowMs: number;
  /** The first lockout; each further one doubles, up to `maxLockoutMs`. */
  lockoutMs: number;
  maxLockoutMs: number;
}

/** Per account: a person mistyping a few times is not locked; guessing one account is slow. */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 60_000, maxLockoutMs: 60 * 60_000 };
/** Per client address: room for a team behind one NAT, none for spraying many accounts. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * 60_000, lockoutMs: 60_000, maxLockoutMs: 60 * 60_000 };

/**
 * When a key's attempts in flight already fill its remaining failures, a new attempt waits
 * for them rather than racing past the limit (sixty parallel guesses must not all get in).
 */
const IN_FLIGHT_RETRY_MS = 1_000;

/** Keys held per policy before forgotten ones are swept (and, failing that, the oldest dropped). */
const DEFAULT_MAX_KEYS = 10_000;

interface Entry {
  /** Times of failures inside the window (cleared when they lock the key). */
  failures: number[];
  inFlight: number;
  /** Lockouts so far; the next lasts lockoutMs * 2^lockouts. */
  lockouts: number;
  lockedUntil: number;
}

type Check = { ok: true } | { ok: false; retryAfterMs: number };

/** One policy's records, by key. */
class KeyedThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly maxKeys: number,
  ) {}

  check(key: string, now: number): Check {
    const entry = this.refreshed(key, now);
    if (entry === undefined) return { ok: true };
    if (entry.lockedUntil > now) return { ok: false, retryAfterMs: entry.lockedUntil - now };
    if (entry.failures.length + entry.inFlight >= this.policy.maxFailures) return { ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS };
    return { ok: true };
  }

  begin(key: string, now: number): void {
    const entry = this.refreshed(key, now) ?? { failures: [], inFlight: 0, lockouts: 0, lockedUntil: 0 };
    entry.inFlight += 1;
    this.store(key, entry, now);
  }

  fail(key: string, now: number): void {
    const entry = this.refreshed(key, now);
    if (entry === undefined) return;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    entry.failures.push(now);
    if (entry.failures.length >= this.policy.maxFailures) {
      const duration = Math.min(this.policy.lockoutMs * 2 ** entry.lockouts, this.policy.maxLockoutMs);
      entry.lockedUntil = now + duration;
      entry.lockouts += 1;
      entry.failures = [];
    }
  }

  /** The attempt ended without a failure: `clear` also forgets the key's failures and lockouts. */
  release(key: string, now: number, clear: boolean): void {
    const entry = this.refreshed(key, now);
    if (entry === undefined) return;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (clear) Object.assign(entry, { failures: [], lockouts: 0, lockedUntil: 0 });
    if (this.forgettable(entry, now)) this.entries.delete(key);
  }

  /** The key's entry with failures outside the window dropped; a key quiet for the longest lockout after its last one starts afresh. */
  private refreshed(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.failures = entry.failures.filter((at) => at > now - this.policy.windowMs);
    if (entry.lockouts > 0 && now >= entry.lockedUntil + this.policy.maxLockoutMs && entry.failures.length === 0) entry.lockouts = 0;
    return entry;
  }

  private forgettable(entry: Entry, now: number): boolean {
    return entry.inFlight === 0 && entry.failures.length === 0 && entry.lockouts === 0 && entry.lockedUntil <= now;
  }

  private store(key: string, entry: Entry, now: number): void {
    // Re-inserted on every begin, so the map's order runs from the least recently tried key.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size <= this.maxKeys) return;
    for (const [k, e] of this.entries) {
      this.refreshed(k, now);
      if (this.forgettable(e, now)) this.entries.delete(k);
    }
    // Still full: a flood of distinct keys. Drop the least recently tried idle ones; the
    // other policy (the address, for a flood of account names) still holds.
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxKeys) break;
      if (e.inFlight === 0) this.entries.delete(k);
    }
  }
}

/** One admitted sign-in attempt: report how it ended, once. */
export interface SignInAttempt {
  succeeded(): void;
  failed(): void;
}

export type Admission = { admitted: true; attempt: SignInAttempt } | { admitted: false; retryAfterMs: number };

export interface SignInThrottleOptions {
  account?: ThrottlePolicy;
  address?: ThrottlePolicy;
  now?: () => number;
  maxKeys?: number;
}

/** The one place that decides whether a sign-in attempt may check a password. */
export class SignInThrottle {
  private readonly accounts: KeyedThrottle;
  private readonly addresses: KeyedThrottle;
  private readonly now: () => number;

  constructor(options: SignInThrottleOptions = {}) {
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.accounts = new KeyedThrottle(options.account ?? ACCOUNT_POLICY, maxKeys);
    this.addresses = new KeyedThrottle(options.address ?? ADDRESS_POLICY, maxKeys);
    this.now = options.now ?? Date.now;
  }

  /**
   * Whether an attempt for `account` (a normalized email, whether or not such an account
   * exists) from `address` (null when unknown: all such attempts share one record) may go
   * ahead. Refused: how long to wait, the longer of the two when both refuse.
   */
  admit(account: string, address: string | null): Admission {
    const now = this.now();
    const addressKey = address ?? "unknown";
    const checks = [this.accounts.check(account, now), this.addresses.check(addressKey, now)];
    const waits = checks.flatMap((c) => (c.ok ? [] : [c.retryAfterMs]));
    if (waits.length > 0) return { admitted: false, retryAfterMs: Math.max(...waits) };
    this.accounts.begin(account, now);
    this.addresses.begin(addressKey, now);
    let ended = false;
    const end = (how: "succeeded" | "failed") => {
      if (ended) return;
      ended = true;
      const at = this.now();
      switch (how) {
        case "succeeded":
          this.accounts.release(account, at, true);
          this.addresses.release(addressKey, at, false);
          return;
        case "failed":
          this.accounts.fail(account, at);
          this.addresses.fail(addressKey, at);
          return;
        default: {
          const unreachable: never = how;
          throw new Error(`unknown outcome ${String(unreachable)}`);
        }
      }
    };
    return { admitted: true, attempt: { succeeded: () => end("succeeded"), failed: () => end("failed") } };
  }
}
