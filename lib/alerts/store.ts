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
