// Alerts end to end on every store, through the real job queue, to a real HTTP receiver and
// a real SMTP server on loopback: delivery and its signature, retries on 500 and 429
// (Retry-After honoured), one incident for a flapping condition and its resolved message,
// the rate limit, the inbox, and no secret value in any payload.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { CatalogDb } from "../catalog/store";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { DEFAULT_OUTBOUND_POLICY, outboundFetch } from "../outbound";
import { openLocalQueue, type LocalQueue } from "../queue/local";
import type { Worker } from "../queue/types";
import { prismaSqlClient } from "../runs/prisma-sql";
import { Redactor } from "../secrets/secrets";
import { clearAlert, DELIVER_ALERT_TASK, raiseAlert, sendTestAlert, type AlertDeps } from "./dispatch";
import { deliverAlert, type DeliverDeps } from "./deliver";
import type { AlertEvent } from "./events";
import { DEDUP_HEADER, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from "./payload";
import { signingSecret } from "./signing";
import { smtpSender } from "./smtp";
import { AlertService } from "./service";
import { deliveryHistory, saveRule } from "./store";
import { webhookReceiver } from "./test-receiver";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}

const SECRET_VALUE = "sk_live_9f8e7d6c5b4a";
const KEY = randomBytes(32);

function overdue(asset: string, at: Date, extra: Partial<AlertEvent> = {}): AlertEvent {
  return {
    type: "freshness_overdue",
    key: asset,
    title: `${asset} is overdue`,
    at,
    subject: { asset, notebook: "shop", owners: ["ana@example.com"], tags: ["finance"] },
    // A fact that happens to hold a secret's value (an error message that quoted it): redacted.
    facts: { asset, since: at.toISOString(), error: `GET https://api.example.com/?key=${SECRET_VALUE} failed` },
    samples: [{ id: 1, amount: -5 }],
    ...extra,
  };
}

describe.each(cases)("alerts on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: LocalQueue;
  let worker: Worker | undefined;
  let workspaceId: string;
  let alertDeps: AlertDeps;
  let deliverDeps: DeliverDeps;
  let waits: number[];

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    const redactor = new Redactor();
    redactor.add(SECRET_VALUE);
    alertDeps = { db, queue, now: () => new Date(), redact: async (value) => redactor.redactValue(value), baseUrl: "http://assetbook.test" };
    waits = [];
    deliverDeps = {
      db,
      queue: {
        enqueue: async (task, payload, options) => {
          if (options?.runAt) waits.push(options.runAt.getTime() - Date.now());
          return queue.enqueue(task, payload, options);
        },
      },
      now: () => new Date(),
      fetch: outboundFetch(DEFAULT_OUTBOUND_POLICY),
      sendMail: null,
      signingSecret: (id) => signingSecret(db, KEY, id),
      random: () => 0.5,
      backoff: { baseMs: 50, maxMs: 200 },
    };
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await queue.close();
    await opened.store.close();
    await opened.cleanup();
  });

  const startWorker = () => {
    worker = queue.work({ [DELIVER_ALERT_TASK]: async (payload) => deliverAlert(deliverDeps, String((payload as { deliveryId: string }).deliveryId)) }, { concurrency: 1, pollIntervalMs: 20 });
  };
  const settled = async (ruleId: string, count: number) => {
    for (let i = 0; i < 400; i++) {
      const history = await deliveryHistory(db, ruleId);
      if (history.length >= count && history.every((d) => d.status === "sent" || d.status === "failed" || d.status === "rate_limited")) return history;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`deliveries did not settle: ${JSON.stringify(await deliveryHistory(db, ruleId))}`);
  };

  test("a webhook gets the event signed, without secret values or samples, and the signature verifies", async () => {
    const hook = await webhookReceiver();
    try {
      const rule = await saveRule(db, workspaceId, { name: "finance late", scope: { kind: "tag", value: "finance" }, events: ["freshness_overdue"], destination: { type: "webhook", url: hook.url } });
      await saveRule(db, workspaceId, { name: "other asset", scope: { kind: "asset", value: "customers" }, events: ["freshness_overdue"], destination: { type: "webhook", url: hook.url } });
      const at = new Date("2026-02-11T08:00:00Z");
      expect((await raiseAlert(alertDeps, workspaceId, overdue("orders", at))).queued).toHaveLength(1);
      startWorker();
      const [delivery] = await settled(rule.id, 1);
      expect(delivery).toMatchObject({ status: "sent", attempts: 1, kind: "triggered" });
      expect(hook.received).toHaveLength(1);
      const [request] = hook.received;
      const secret = await signingSecret(db, KEY, workspaceId);
      const header = { signature: String(request?.headers[SIGNATURE_HEADER]), timestamp: String(request?.headers[TIMESTAMP_HEADER]) };
      expect(verifySignature(secret, header, request?.body ?? "", new Date())).toBe(true);
      expect(verifySignature(secret, header, `${request?.body ?? ""} `, new Date())).toBe(false);
      expect(verifySignature("whsec_wrong", header, request?.body ?? "", new Date())).toBe(false);
      expect(verifySignature(secret, header, request?.body ?? "", new Date(Date.now() + 10 * 60_000))).toBe(false);
      expect(request?.headers[DELIVERY_HEADER]).toBe(delivery?.id);
      expect(request?.headers[DEDUP_HEADER]).toBe("freshness_overdue:orders");
      const body: unknown = JSON.parse(request?.body ?? "");
      expect(body).toMatchObject({ version: 1, kind: "triggered", event: "freshness_overdue", title: "orders is overdue", asset: "orders", link: null, rule: "finance late" });
      expect(request?.body).not.toContain(SECRET_VALUE);
      expect(request?.body).toContain("key=***");
      expect(request?.body).not.toContain("samples");
      expect(request?.body).not.toContain(secret);
    } finally {
      await hook.close();
    }
  });

  test("retries a 500 after a backoff and a 429 after its Retry-After, then delivers once", async () => {
    const hook = await webhookReceiver([{ status: 500 }, { status: 429, retryAfter: "1" }]);
    try {
      const rule = await saveRule(db, workspaceId, { name: "all", scope: { kind: "workspace" }, events: ["freshness_overdue"], destination: { type: "webhook", url: hook.url, format: "slack" } });
      await raiseAlert(alertDeps, workspaceId, overdue("orders", new Date()));
      startWorker();
      const [delivery] = await settled(rule.id, 1);
      expect(delivery).toMatchObject({ status: "sent", attempts: 3, lastError: null });
      expect(hook.received).toHaveLength(3);
      // All three are the same delivery, signed each time.
      expect(new Set(hook.received.map((r) => r.headers[DELIVERY_HEADER])).size).toBe(1);
      // Backoff with jitter after the 500 (base 50 ms, random 0.5: 37.5 ms), Retry-After after the 429 (1 s).
      expect(waits).toHaveLength(2);
      expect(waits[0]).toBeLessThanOrEqual(50);
      expect(waits[1]).toBeGreaterThan(900);
      expect(JSON.parse(hook.received[2]?.body ?? "")).toEqual({ text: expect.stringContaining("*orders is overdue*") });
    } finally {
      await hook.close();
    }
  });

  test("a 4xx other than 408 and 429 fails at once, and the history says why", async () => {
    const hook = await webhookReceiver([{ status: 404 }]);
    try {
      const rule = await saveRule(db, workspaceId, { name: "gone", scope: { kind: "workspace" }, events: ["run_failed"], destination: { type: "webhook", url: hook.url } });
      await raiseAlert(alertDeps, workspaceId, { ...overdue("x", new Date()), type: "run_failed", key: "daily" });
      startWorker();
      const [delivery] = await settled(rule.id, 1);
      expect(delivery).toMatchObject({ status: "failed", attempts: 1, lastError: "the webhook answered 404" });
    } finally {
      await hook.close();
    }
  });

  test("a webhook to Assetbook's own origin is refused, not sent", async () => {
    const hook = await webhookReceiver();
    try {
      deliverDeps.ownOrigins = [new URL(hook.url).origin];
      const rule = await saveRule(db, workspaceId, { name: "self", scope: { kind: "workspace" }, events: ["run_failed"], destination: { type: "webhook", url: hook.url } });
      await raiseAlert(alertDeps, workspaceId, { ...overdue("x", new Date()), type: "run_failed", key: "daily" });
      startWorker();
      const [delivery] = await settled(rule.id, 1);
      expect(delivery).toMatchObject({ status: "failed", attempts: 1 });
      expect(delivery?.lastError).toMatch(/is Assetbook itself/);
      expect(hook.received).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  test("a flapping condition opens one incident while it lasts, resolves once, and the rate limit caps the flaps", async () => {
    const hook = await webhookReceiver();
    try {
      const rule = await saveRule(db, workspaceId, { name: "flaps", scope: { kind: "asset", value: "orders" }, events: ["freshness_overdue"], destination: { type: "webhook", url: hook.url }, rateLimitPerHour: 2 });
      const raise = () => raiseAlert(alertDeps, workspaceId, overdue("orders", new Date()));
      const clear = () => clearAlert(alertDeps, workspaceId, { type: "freshness_overdue", key: "orders", title: "orders is overdue", at: new Date() });
      const seen = await Promise.all([raise(), raise(), raise()]);
      expect(seen.reduce((n, o) => n + o.queued.length, 0)).toBe(1);
      expect(seen.reduce((n, o) => n + o.deduplicated, 0)).toBe(2);
      expect(await clear()).toHaveLength(1);
      expect(await clear()).toHaveLength(0);
      // Flapping: open, clear, open, clear... the second incident is sent, the third is over the limit of 2 an hour.
      expect((await raise()).queued).toHaveLength(1);
      expect(await clear()).toHaveLength(1);
      expect(await raise()).toMatchObject({ queued: [], rateLimited: 1 });
      expect(await clear()).toHaveLength(0);
      startWorker();
      const history = await settled(rule.id, 5);
      expect(history.map((d) => `${d.kind} ${d.status}`).reverse()).toEqual(["triggered sent", "resolved sent", "triggered sent", "resolved sent", "triggered rate_limited"]);
      const bodies = hook.received.map((r) => JSON.parse(r.body) as { kind: string; title: string; dedup_key: string });
      expect(bodies.map((b) => b.kind).sort()).toEqual(["resolved", "resolved", "triggered", "triggered"]);
      expect(bodies.find((b) => b.kind === "resolved")?.title).toBe("Resolved: orders is overdue");
      expect(new Set(bodies.map((b) => b.dedup_key))).toEqual(new Set(["freshness_overdue:orders"]));
    } finally {
      await hook.close();
    }
  });

  test("e-mail goes through a real SMTP server to the listed addresses and the asset's owners; the inbox gets its item", async () => {
    const mails: { to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        let data = "";
        stream.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
        stream.on("end", () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const { port } = smtp.server.address() as AddressInfo;
    try {
      deliverDeps.sendMail = smtpSender({ url: `smtp://127.0.0.1:${port}`, from: "alerts@assetbook.test", verifyTls: false });
      await db.asset.create({ data: { workspaceId, name: "orders", kind: "sql", cell: "orders", owners: ["ana@example.com", "data team"] } });
      const mail = await saveRule(db, workspaceId, { name: "mail", scope: { kind: "owner", value: "ana@example.com" }, events: ["freshness_overdue"], destination: { type: "email", to: ["oncall@example.com"], owners: true }, allowSamples: true });
      const inbox = await saveRule(db, workspaceId, { name: "inbox", scope: { kind: "workspace" }, events: ["freshness_overdue"], destination: { type: "inbox" } });
      await raiseAlert(alertDeps, workspaceId, overdue("orders", new Date("2026-02-11T08:00:00Z")));
      startWorker();
      await settled(mail.id, 1);
      await settled(inbox.id, 1);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.to.sort()).toEqual(["ana@example.com", "oncall@example.com"]);
      expect(mails[0]?.data).toContain("Subject: [Assetbook] orders is overdue");
      expect(mails[0]?.data).not.toContain(SECRET_VALUE);
      const items = await db.inboxItem.findMany({ where: { workspaceId } });
      expect(items.map((item) => item.title)).toEqual(["orders is overdue"]);
      expect(items[0]?.link).toBe(null);
      // Send test: through the same path, marked as a test.
      const testId = await sendTestAlert(alertDeps, inbox);
      await settled(inbox.id, 2);
      expect((await db.inboxItem.findUnique({ where: { deliveryId: testId } }))?.title).toMatch(/^Test notification from rule "inbox"/);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  test("the scheduler's polls: a run past a rule's minutes, and a review waiting for approval until it is approved", async () => {
    const service = new AlertService({ db, queue, key: KEY, baseUrl: null, outbound: DEFAULT_OUTBOUND_POLICY, smtp: null, envSecrets: [], env: {} });
    const long = await saveRule(db, workspaceId, { name: "long", scope: { kind: "workspace" }, events: ["run_too_long"], destination: { type: "inbox" }, longRunSeconds: 600 });
    const longer = await saveRule(db, workspaceId, { name: "longer", scope: { kind: "workspace" }, events: ["run_too_long"], destination: { type: "inbox" }, longRunSeconds: 3600 });
    const reviews = await saveRule(db, workspaceId, { name: "reviews", scope: { kind: "workspace" }, events: ["review_waiting"], destination: { type: "inbox" } });
    const now = new Date("2026-02-11T08:20:00Z");
    await db.run.create({ data: { workspaceId, status: "running", environment: "production", startedAt: new Date("2026-02-11T08:00:00Z") } });
    const author = await db.user.create({ data: { email: "rev@example.com", name: "Rev" } });
    const review = await db.review.create({ data: { workspaceId, number: 7, title: "New totals", authorId: author.id, env: "review-7" } });
    await db.reviewRevision.create({ data: { reviewId: review.id, number: 1, notebooks: [{ slug: "shop", text: "", base: null }], plan: {}, planHash: "h", authorId: author.id, buildStatus: "built", builtAt: now } });
    for (let i = 0; i < 3; i++) {
      await service.longRuns(workspaceId, now);
      await service.reviewsWaiting(workspaceId, now);
    }
    await db.reviewDecision.create({ data: { reviewId: review.id, userId: author.id, revision: 1, verdict: "approved" } });
    await service.reviewsWaiting(workspaceId, now);
    startWorker();
    expect((await settled(long.id, 1)).map((d) => `${d.kind} ${d.title}`)).toEqual(["triggered Run of a notebook is taking long"]);
    expect(await deliveryHistory(db, longer.id)).toEqual([]);
    expect((await settled(reviews.id, 2)).map((d) => `${d.kind} ${d.title}`)).toEqual([
      "resolved Resolved: Review #7 is waiting for approval",
      "triggered Review #7 is waiting for approval: New totals",
    ]);
  });
});
