// Raising and clearing alerts: each matching rule opens one incident per condition (its
// dedup key), records a delivery and hands it to the job queue; seeing the condition again
// while the incident is open sends nothing; clearing it sends one "resolved". Each rule sends
// at most `rateLimitPerHour` notifications an hour: more are recorded as rate_limited.
import type { JobQueue } from "../queue/types";
import type { CatalogDb } from "../catalog/store";
import { isUniqueViolation } from "../catalog/unique";
import { dedupKeyOf, type AlertClear, type AlertEvent } from "./events";
import { alertPayload, type DeliveryKind } from "./payload";
import { ruleMatches } from "./rules";
import { ruleSpecOf, type StoredRule } from "./store";

export const DELIVER_ALERT_TASK = "deliver_alert";

export interface AlertDeps {
  db: CatalogDb;
  queue: Pick<JobQueue, "enqueue">;
  now: () => Date;
  /** Every string of a payload, with the workspace's secret values replaced (payloads never carry one). */
  redact: (value: unknown) => Promise<unknown>;
  /** The app's public URL for links in notifications (null: paths only). */
  baseUrl: string | null;
}

export interface RaiseOutcome {
  /** Deliveries handed to the queue. */
  queued: string[];
  /** Rules whose incident for this condition was already open. */
  deduplicated: number;
  /** Rules over their hourly limit. */
  rateLimited: number;
}

/** Raises an event: one incident and one notification per matching rule whose incident is not open yet. */
export async function raiseAlert(deps: AlertDeps, workspaceId: string, event: AlertEvent): Promise<RaiseOutcome> {
  const outcome: RaiseOutcome = { queued: [], deduplicated: 0, rateLimited: 0 };
  const rules = await deps.db.alertRule.findMany({ where: { workspaceId, enabled: true, events: { has: event.type } }, orderBy: { name: "asc" } });
  const dedupKey = dedupKeyOf(event);
  for (const rule of rules) {
    if (!ruleMatches(ruleSpecOf(rule), event)) continue;
    let incidentId: string;
    try {
      incidentId = (await deps.db.alertIncident.create({ data: { ruleId: rule.id, dedupKey, event: event.type, openKey: `${rule.id} ${dedupKey}`, openedAt: event.at } })).id;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      outcome.deduplicated += 1;
      continue;
    }
    const delivery = await recordDelivery(deps, rule, { kind: "triggered", incidentId, dedupKey, event });
    if (delivery.queued) outcome.queued.push(delivery.id);
    else outcome.rateLimited += 1;
  }
  return outcome;
}

/** Clears a condition: each open incident of it is resolved, and its rule sends "resolved" (when it sent the incident). */
export async function clearAlert(deps: AlertDeps, workspaceId: string, clear: AlertClear): Promise<string[]> {
  const dedupKey = dedupKeyOf(clear);
  const open = await deps.db.alertIncident.findMany({
    where: { dedupKey, openKey: { not: null }, rule: { workspaceId } },
    include: { rule: true, deliveries: { where: { kind: "triggered" }, select: { status: true } } },
  });
  const queued: string[] = [];
  for (const incident of open) {
    // Another scheduler may resolve it first: only the one that flips openKey sends.
    const { count } = await deps.db.alertIncident.updateMany({ where: { id: incident.id, openKey: { not: null } }, data: { openKey: null, resolvedAt: clear.at } });
    if (count === 0) continue;
    // An incident the rate limit kept quiet ends quietly too.
    if (incident.deliveries.every((d) => d.status === "rate_limited")) continue;
    const event = { type: clear.type, title: clear.title, at: clear.at, subject: { owners: [], tags: [] }, facts: {} };
    const delivery = await recordDelivery(deps, incident.rule, { kind: "resolved", incidentId: incident.id, dedupKey, event }, { exempt: true });
    if (delivery.queued) queued.push(delivery.id);
  }
  return queued;
}

/** The rule's "Send test": one notification with made-up facts, through the same delivery. */
export async function sendTestAlert(deps: AlertDeps, rule: StoredRule): Promise<string> {
  const event: AlertEvent = {
    type: ruleSpecOf(rule).events[0] ?? "run_failed",
    key: "test",
    title: `Test notification from rule "${rule.name}"`,
    at: deps.now(),
    subject: { owners: [], tags: [] },
    facts: { note: "Sent with Send test: nothing is wrong." },
  };
  const delivery = await recordDelivery(deps, rule, { kind: "test", incidentId: null, dedupKey: `test:${deps.now().toISOString()}`, event }, { exempt: true });
  return delivery.id;
}

interface DeliveryDraft {
  kind: DeliveryKind;
  incidentId: string | null;
  dedupKey: string;
  event: Omit<AlertEvent, "key">;
}

async function recordDelivery(deps: AlertDeps, rule: StoredRule, draft: DeliveryDraft, options: { exempt?: boolean } = {}): Promise<{ id: string; queued: boolean }> {
  const now = deps.now();
  const limited = options.exempt !== true && (await sentInLastHour(deps.db, rule.id, now)) >= rule.rateLimitPerHour;
  const id = crypto.randomUUID();
  const payload = await deps.redact(alertPayload({ delivery: id, kind: draft.kind, rule: rule.name, dedupKey: draft.dedupKey, event: draft.event, allowSamples: rule.allowSamples, baseUrl: deps.baseUrl }));
  await deps.db.alertDelivery.create({
    data: {
      id,
      ruleId: rule.id,
      incidentId: draft.incidentId,
      kind: draft.kind,
      status: limited ? "rate_limited" : "pending",
      dedupKey: draft.dedupKey,
      payload: JSON.parse(JSON.stringify(payload)),
      createdAt: now,
      ...(limited ? { lastError: `over the rule's limit of ${rule.rateLimitPerHour} notifications an hour` } : {}),
    },
  });
  if (limited) return { id, queued: false };
  await deps.queue.enqueue(DELIVER_ALERT_TASK, { deliveryId: id }, { jobKey: `alert:${id}:1`, maxAttempts: 3 });
  return { id, queued: true };
}

async function sentInLastHour(db: CatalogDb, ruleId: string, now: Date): Promise<number> {
  return db.alertDelivery.count({ where: { ruleId, kind: "triggered", status: { not: "rate_limited" }, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
}
