// The pure parts of alerts: which rule matches which event, what a run's end raises and
// clears, the payload's shape, the signature, and the retry delays.
import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./deliver";
import type { AlertEvent } from "./events";
import { alertPayload, emailMessage, signatureOf, slackBody, verifySignature } from "./payload";
import { ruleInputSchema, ruleMatches } from "./rules";
import { runAlerts, type EndedRun } from "./run-events";
import { ownOrigins } from "./service";

const event = (overrides: Partial<AlertEvent> = {}): AlertEvent => ({
  type: "check_failed",
  key: "orders:not_null(id)",
  title: "Check not_null(id) on orders failed",
  at: new Date("2026-02-11T08:00:00Z"),
  subject: { notebook: "shop", asset: "orders", owners: ["Ana@example.com"], tags: ["finance"] },
  facts: { asset: "orders" },
  ...overrides,
});

const rule = (written: Record<string, unknown>) => ruleInputSchema.parse({ name: "r", destination: { type: "inbox" }, ...written });

describe("rules", () => {
  it("match by event and scope, case-insensitively", () => {
    expect(ruleMatches(rule({ scope: { kind: "workspace" }, events: ["check_failed"] }), event())).toBe(true);
    expect(ruleMatches(rule({ scope: { kind: "workspace" }, events: ["run_failed"] }), event())).toBe(false);
    expect(ruleMatches(rule({ scope: { kind: "owner", value: "ana@example.com" }, events: ["check_failed"] }), event())).toBe(true);
    expect(ruleMatches(rule({ scope: { kind: "tag", value: "marketing" }, events: ["check_failed"] }), event())).toBe(false);
    expect(ruleMatches(rule({ scope: { kind: "notebook", value: "shop" }, events: ["check_failed"] }), event())).toBe(true);
    expect(ruleMatches(rule({ scope: { kind: "asset", value: "customers" }, events: ["check_failed"] }), event())).toBe(false);
    expect(ruleMatches(rule({ scope: { kind: "workspace" }, events: ["check_failed"], enabled: false }), event())).toBe(false);
  });

  it("send run_too_long only past the rule's duration", () => {
    const long = rule({ scope: { kind: "workspace" }, events: ["run_too_long"], longRunSeconds: 600 });
    expect(ruleMatches(long, event({ type: "run_too_long", durationSeconds: 599 }))).toBe(false);
    expect(ruleMatches(long, event({ type: "run_too_long", durationSeconds: 600 }))).toBe(true);
  });

  it("refuse what cannot be delivered, naming the field", () => {
    const bad = ruleInputSchema.safeParse({ name: "x", scope: { kind: "asset" }, events: [], destination: { type: "webhook", url: "ftp://x" } });
    expect(bad.success).toBe(false);
    const paths = bad.success ? [] : bad.error.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["scope.value", "events", "destination.url"]));
    expect(ruleInputSchema.safeParse({ name: "x", scope: { kind: "workspace" }, events: ["run_failed"], destination: { type: "email", to: [] } }).success).toBe(false);
  });
});

describe("a run's end", () => {
  const run = (overrides: Partial<EndedRun>): EndedRun => ({
    id: "run-1",
    notebook: "shop",
    owners: ["ana@example.com"],
    tags: [],
    status: "failed",
    error: "orders: check failed",
    at: new Date("2026-02-11T08:00:00Z"),
    durationSeconds: 12,
    outcomes: [],
    ...overrides,
  });
  const subjects = { notebookOwners: [], notebookTags: [], asset: (name: string) => (name === "orders" ? { owners: ["bo@example.com"], tags: ["finance"] } : undefined) };

  it("raises what failed and clears what passed, each under its key", () => {
    const alerts = runAlerts(
      run({
        outcomes: [
          { asset: "orders", status: "failed", reason: "check failed", checks: [{ check: "not_null(id)", severity: "error", passed: false, failures: 2, sample: [{ id: null, n: 10n }] }] },
          { asset: "customers", status: "succeeded", checks: [{ check: "contract", severity: "error", passed: true, failures: 0, sample: [] }] },
          { asset: "totals", status: "skipped", checks: [] },
        ],
      }),
      subjects,
    );
    expect(alerts.raise.map((e) => `${e.type} ${e.key}`)).toEqual(["run_failed shop", "asset_failed orders", "check_failed orders:not_null(id)"]);
    expect(alerts.clear.map((e) => `${e.type} ${e.key}`)).toEqual(["run_too_long run-1", "asset_failed customers", "schema_changed customers"]);
    const check = alerts.raise[2];
    expect(check?.subject).toMatchObject({ asset: "orders", notebook: "shop", tags: ["finance"] });
    expect([...(check?.subject.owners ?? [])].sort()).toEqual(["ana@example.com", "bo@example.com"]);
    expect(check?.samples).toEqual([{ id: null, n: 10 }]);
  });

  it("a run that succeeds clears its notebook's run_failed", () => {
    const at = new Date("2026-02-11T08:00:00Z");
    expect(runAlerts(run({ status: "succeeded", error: null }), subjects)).toEqual({
      raise: [],
      clear: [
        { type: "run_too_long", key: "run-1", title: "Run of shop is taking long", at },
        { type: "run_failed", key: "shop", title: "Run of shop failed", at },
      ],
    });
  });
});

describe("payloads and signatures", () => {
  const payload = alertPayload({ delivery: "d1", kind: "resolved", rule: "r", dedupKey: "check_failed:orders:not_null(id)", event: { ...event(), link: "/catalog/orders", samples: [{ id: 1 }] }, allowSamples: false, baseUrl: "https://ab.example.com" });

  it("says what happened, with an absolute link, and no samples unless allowed", () => {
    expect(payload).toEqual({
      version: 1,
      delivery: "d1",
      kind: "resolved",
      event: "check_failed",
      dedup_key: "check_failed:orders:not_null(id)",
      title: "Resolved: Check not_null(id) on orders failed",
      at: "2026-02-11T08:00:00.000Z",
      rule: "r",
      notebook: "shop",
      asset: "orders",
      facts: { asset: "orders" },
      link: "https://ab.example.com/catalog/orders",
    });
    expect(slackBody(payload).text).toBe(":white_check_mark: *Resolved: Check not_null(id) on orders failed*\n• *asset*: orders\n<https://ab.example.com/catalog/orders|Open in Assetbook>");
    expect(emailMessage(payload).subject).toBe("[Assetbook] Resolved: Check not_null(id) on orders failed");
  });

  it("signs timestamp.body with HMAC-SHA256 (a known vector) and verifies within 5 minutes", () => {
    // echo -n '1767225600.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(signatureOf("whsec_test", 1_767_225_600, '{"a":1}')).toBe("v1=6d204545ff126a339c00513d93603299c984074ce1331c3537c3f6c976b49019");
    const now = new Date(1_767_225_600_000);
    const header = { signature: signatureOf("whsec_test", 1_767_225_600, '{"a":1}'), timestamp: "1767225600" };
    expect(verifySignature("whsec_test", header, '{"a":1}', now)).toBe(true);
    expect(verifySignature("whsec_test", header, '{"a":2}', now)).toBe(false);
    expect(verifySignature("whsec_test", header, '{"a":1}', new Date(now.getTime() + 301_000))).toBe(false);
  });
});

describe("retry delays", () => {
  const now = new Date("2026-02-11T08:00:00Z");
  it("back off exponentially with jitter up to a ceiling, and honour Retry-After", () => {
    expect([1, 2, 3, 10].map((attempt) => retryDelayMs(attempt, null, now, () => 0))).toEqual([2_500, 5_000, 10_000, 450_000]);
    expect(retryDelayMs(1, null, now, () => 0.999_999)).toBe(5_000);
    expect(retryDelayMs(1, "30", now)).toBe(30_000);
    expect(retryDelayMs(1, "Wed, 11 Feb 2026 08:02:00 GMT", now)).toBe(120_000);
    expect(retryDelayMs(1, "86400", now)).toBe(3_600_000);
  });
});

describe("the app's own origins", () => {
  it("are its base URL and its port on the loopback names", () => {
    expect(ownOrigins("https://ab.example.com/app", { PORT: "3100" })).toEqual(["https://ab.example.com", "http://127.0.0.1:3100", "http://localhost:3100", "http://[::1]:3100"]);
    expect(ownOrigins(null, {})).toContain("http://127.0.0.1:3000");
  });
});
