// Sending one delivery: the `deliver_alert` job. At least once: a delivery is marked sent
// after its destination accepted it, so a worker killed in between sends it again after the
// queue's lease expires, with the same delivery id and dedup key (receivers can drop the
// second). A failure worth retrying (a network error, 408, 429, 5xx) is tried again, up to
// MAX_DELIVERY_ATTEMPTS, after an exponential backoff with jitter, or after the receiver's
// Retry-After; each retry is a new job, so the history shows `retrying` and when.
import type { CatalogDb } from "../catalog/store";
import type { JobQueue } from "../queue/types";
import type { OutboundFetch } from "../outbound";
import { OutboundDeniedError } from "../outbound";
import { DELIVER_ALERT_TASK } from "./dispatch";
import { alertPayloadSchema, DEDUP_HEADER, DELIVERY_HEADER, emailMessage, SIGNATURE_HEADER, signatureOf, slackBody, TIMESTAMP_HEADER, type AlertPayload } from "./payload";
import { destinationSchema, type AlertDestination } from "./rules";

export const MAX_DELIVERY_ATTEMPTS = 8;
export const RETRY_BASE_MS = 5_000;
export const RETRY_MAX_MS = 15 * 60_000;
/** A Retry-After longer than this is cut to it. */
export const RETRY_AFTER_MAX_MS = 60 * 60_000;
const SEND_TIMEOUT_MS = 10_000;

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface DeliverDeps {
  db: CatalogDb;
  queue: Pick<JobQueue, "enqueue">;
  now: () => Date;
  /** Webhooks go through the outbound policy, as extracts do. */
  fetch: OutboundFetch;
  /** SMTP (lib/alerts/smtp.ts); null when the workspace has none configured. */
  sendMail: ((message: MailMessage) => Promise<void>) | null;
  /** The workspace's webhook signing secret. */
  signingSecret: (workspaceId: string) => Promise<string>;
  /** In [0, 1): the jitter (injected for tests). */
  random?: () => number;
  /** Assetbook's own origins (its base URL, its port on loopback): a webhook may not call the app itself. */
  ownOrigins?: readonly string[];
  /** The backoff's first delay and its ceiling (default 5 s and 15 min). */
  backoff?: { baseMs: number; maxMs: number };
}

type Sent = { ok: true } | { ok: false; retry: boolean; error: string; retryAfter?: string | null };

/** The delay before attempt `attempt + 1`: the receiver's Retry-After when it gave one, else backoff with jitter. */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null | undefined,
  now: Date,
  random: () => number = Math.random,
  backoff: { baseMs: number; maxMs: number } = { baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS },
): number {
  if (retryAfter !== null && retryAfter !== undefined && retryAfter.trim() !== "") {
    const text = retryAfter.trim();
    const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now.getTime();
    if (Number.isFinite(ms)) return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms));
  }
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempt - 1, 20));
  // "Equal jitter": half fixed, half random, so retries of many deliveries spread out.
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export async function deliverAlert(deps: DeliverDeps, deliveryId: string): Promise<void> {
  const delivery = await deps.db.alertDelivery.findUnique({ where: { id: deliveryId }, include: { rule: true } });
  if (delivery === null || delivery.status === "sent" || delivery.status === "failed" || delivery.status === "rate_limited") return;
  const attempt = delivery.attempts + 1;
  await deps.db.alertDelivery.update({ where: { id: deliveryId }, data: { attempts: attempt } });
  const destination = destinationSchema.safeParse(delivery.rule.destination);
  const payload = alertPayloadSchema.safeParse(delivery.payload);
  const sent: Sent = !destination.success
    ? { ok: false, retry: false, error: `the rule's destination is invalid: ${destination.error.issues[0]?.message ?? ""}` }
    : !payload.success
      ? { ok: false, retry: false, error: "the stored payload is invalid" }
      : await send(deps, destination.data, payload.data, delivery.rule.workspaceId);
  const now = deps.now();
  if (sent.ok) {
    await deps.db.alertDelivery.update({ where: { id: deliveryId }, data: { status: "sent", sentAt: now, lastError: null, nextAttemptAt: null } });
    return;
  }
  if (!sent.retry || attempt >= MAX_DELIVERY_ATTEMPTS) {
    const why = sent.retry ? `${sent.error} (gave up after ${attempt} attempts)` : sent.error;
    await deps.db.alertDelivery.update({ where: { id: deliveryId }, data: { status: "failed", lastError: why, nextAttemptAt: null } });
    return;
  }
  const next = new Date(now.getTime() + retryDelayMs(attempt, sent.retryAfter, now, deps.random, deps.backoff));
  await deps.db.alertDelivery.update({ where: { id: deliveryId }, data: { status: "retrying", lastError: sent.error, nextAttemptAt: next } });
  await deps.queue.enqueue(DELIVER_ALERT_TASK, { deliveryId }, { jobKey: `alert:${deliveryId}:${attempt + 1}`, runAt: next, maxAttempts: 3 });
}

async function send(deps: DeliverDeps, destination: AlertDestination, payload: AlertPayload, workspaceId: string): Promise<Sent> {
  switch (destination.type) {
    case "webhook":
      return sendWebhook(deps, destination.url, destination.format === "slack" ? JSON.stringify(slackBody(payload)) : JSON.stringify(payload), payload, workspaceId);
    case "email":
      return sendEmail(deps, destination, payload, workspaceId);
    case "inbox": {
      const { subject, text } = emailMessage(payload);
      await deps.db.inboxItem.upsert({
        where: { deliveryId: payload.delivery },
        // The title is the item's heading: the body is the rest of the message.
        create: { workspaceId, deliveryId: payload.delivery, title: subject.replace(/^\[Assetbook\] /, ""), body: text.split("\n").slice(2).join("\n"), link: payload.link, createdAt: deps.now() },
        update: {},
      });
      return { ok: true };
    }
    default: {
      const unreachable: never = destination;
      throw new Error(`unknown destination ${JSON.stringify(unreachable)}`);
    }
  }
}

async function sendWebhook(deps: DeliverDeps, url: string, body: string, payload: AlertPayload, workspaceId: string): Promise<Sent> {
  const origin = new URL(url).origin;
  if (deps.ownOrigins?.some((own) => own === origin)) return { ok: false, retry: false, error: `${origin} is Assetbook itself: a webhook may not call the app` };
  const timestamp = Math.floor(deps.now().getTime() / 1000);
  const secret = await deps.signingSecret(workspaceId);
  let response: Awaited<ReturnType<OutboundFetch>>;
  try {
    response = await deps.fetch(url, {
      method: "POST",
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Assetbook-Alerts/1",
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signatureOf(secret, timestamp, body),
        [DELIVERY_HEADER]: payload.delivery,
        [DEDUP_HEADER]: payload.dedup_key,
      },
    });
  } catch (error) {
    if (error instanceof OutboundDeniedError) return { ok: false, retry: false, error: error.message };
    return { ok: false, retry: true, error: `could not reach the webhook: ${error instanceof Error ? error.message : String(error)}` };
  }
  response.cancel();
  if (response.status >= 200 && response.status < 300) return { ok: true };
  const retry = response.status === 408 || response.status === 429 || response.status >= 500;
  return { ok: false, retry, error: `the webhook answered ${response.status}`, retryAfter: response.headers.get("retry-after") };
}

async function sendEmail(deps: DeliverDeps, destination: Extract<AlertDestination, { type: "email" }>, payload: AlertPayload, workspaceId: string): Promise<Sent> {
  if (deps.sendMail === null) return { ok: false, retry: false, error: "no SMTP server is configured (ASSETBOOK_SMTP_URL)" };
  const owners = destination.owners ? await ownerAddresses(deps.db, workspaceId, payload) : [];
  const to = [...new Set([...destination.to, ...owners])];
  if (to.length === 0) return { ok: false, retry: false, error: "no recipient: the asset or notebook has no owner with an e-mail address" };
  try {
    await deps.sendMail({ to, ...emailMessage(payload) });
    return { ok: true };
  } catch (error) {
    // A refused recipient (5xx) will be refused again; a connection or a 4xx may pass later.
    const code = typeof error === "object" && error !== null && "responseCode" in error && typeof error.responseCode === "number" ? error.responseCode : null;
    return { ok: false, retry: code === null || code < 500, error: `SMTP: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The owners of the asset the event is about (else of the notebook's assets) that are e-mail addresses. */
async function ownerAddresses(db: CatalogDb, workspaceId: string, payload: AlertPayload): Promise<string[]> {
  const where = payload.asset !== null ? { workspaceId, name: payload.asset } : payload.notebook !== null ? { workspaceId, notebook: { slug: payload.notebook } } : null;
  if (where === null) return [];
  const assets = await db.asset.findMany({ where, select: { owners: true } });
  return [...new Set(assets.flatMap((asset) => asset.owners))].filter((owner) => EMAIL.test(owner));
}
