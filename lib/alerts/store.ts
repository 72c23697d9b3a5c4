// Alert rules in the catalog: create, update, list, and the delivery history a rule's page shows.
import type { CatalogDb } from "../catalog/store";
import type { AlertRule } from "../catalog/generated/client";
import { ALERT_EVENTS } from "./events";
import { destinationSchema, ruleInputSchema, scopeSchema, type AlertRuleInput, type AlertRuleSpec } from "./rules";
import { z } from "zod";

export type StoredRule = AlertRule;

/** A stored rule as the matcher reads it (its JSON columns parsed). */
export function ruleSpecOf(rule: StoredRule): AlertRuleSpec {
  return {
    name: rule.name,
    scope: scopeSchema.parse(rule.scope),
    events: z.array(z.enum(ALERT_EVENTS)).parse(rule.events),
    destination: destinationSchema.parse(rule.destination),
    rateLimitPerHour: rule.rateLimitPerHour,
    allowSamples: rule.allowSamples,
    ...(rule.longRunSeconds === null ? {} : { longRunSeconds: rule.longRunSeconds }),
    enabled: rule.enabled,
  };
}

/** Creates a rule (or replaces the one of that name); throws a ZodError naming the bad field. */
export async function saveRule(db: CatalogDb, workspaceId: string, input: AlertRuleInput): Promise<StoredRule> {
  const spec = ruleInputSchema.parse(input);
  const fields = {
    scope: spec.scope,
    events: spec.events,
    destination: spec.destination,
    rateLimitPerHour: spec.rateLimitPerHour,
    allowSamples: spec.allowSamples,
    longRunSeconds: spec.longRunSeconds ?? null,
    enabled: spec.enabled,
  };
  return db.alertRule.upsert({ where: { workspaceId_name: { workspaceId, name: spec.name } }, create: { workspaceId, name: spec.name, ...fields }, update: fields });
}

export interface DeliveryView {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  dedupKey: string;
  title: string;
  createdAt: Date;
  sentAt: Date | null;
}

/** A rule's deliveries, newest first: sent, retrying (and when next), failed (and why), rate limited. */
export async function deliveryHistory(db: CatalogDb, ruleId: string, limit = 50): Promise<DeliveryView[]> {
  const rows = await db.alertDelivery.findMany({ where: { ruleId }, orderBy: { createdAt: "desc" }, take: limit });
  const titled = z.object({ title: z.string() }).loose();
  return rows.map((row) => {
    const payload = titled.safeParse(row.payload);
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      nextAttemptAt: row.nextAttemptAt,
      dedupKey: row.dedupKey,
      title: payload.success ? payload.data.title : "",
      createdAt: row.createdAt,
      sentAt: row.sentAt,
    };
  });
}

export interface InboxView {
  id: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  read: boolean;
}

/** The workspace's inbox, newest first, and how many items are unread. */
export async function inbox(db: CatalogDb, workspaceId: string, limit = 100): Promise<{ items: InboxView[]; unread: number }> {
  const [rows, unread] = await Promise.all([
    db.inboxItem.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" }, take: limit }),
    db.inboxItem.count({ where: { workspaceId, readAt: null } }),
  ]);
  return { items: rows.map((row) => ({ id: row.id, title: row.title, body: row.body, link: row.link, createdAt: row.createdAt, read: row.readAt !== null })), unread };
}

export async function unreadCount(db: CatalogDb, workspaceId: string): Promise<number> {
  return db.inboxItem.count({ where: { workspaceId, readAt: null } });
}

export async function markInboxRead(db: CatalogDb, workspaceId: string, now: Date): Promise<number> {
  return (await db.inboxItem.updateMany({ where: { workspaceId, readAt: null }, data: { readAt: now } })).count;
}

export async function deleteRule(db: CatalogDb, workspaceId: string, id: string): Promise<boolean> {
  return (await db.alertRule.deleteMany({ where: { workspaceId, id } })).count > 0;
}

export async function listRules(db: CatalogDb, workspaceId: string): Promise<(AlertRuleSpec & { id: string })[]> {
  const rows = await db.alertRule.findMany({ where: { workspaceId }, orderBy: { name: "asc" } });
  return rows.map((row) => ({ id: row.id, ...ruleSpecOf(row) }));
}
