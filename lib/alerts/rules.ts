// Alert rules: a scope, the events they send and a destination. Pure: the schema an owner's
// input is parsed with, and whether a rule matches an event.
import { z } from "zod";
import { ALERT_EVENTS, type AlertEvent } from "./events";

export const SCOPE_KINDS = ["workspace", "notebook", "asset", "tag", "owner"] as const;

const named = (kind: Exclude<(typeof SCOPE_KINDS)[number], "workspace">) => z.strictObject({ kind: z.literal(kind), value: z.string().trim().min(1, { message: `a ${kind} scope names the ${kind}` }) });

export const scopeSchema = z.discriminatedUnion("kind", [z.strictObject({ kind: z.literal("workspace") }), named("notebook"), named("asset"), named("tag"), named("owner")]);
export type AlertScope = z.infer<typeof scopeSchema>;

export const WEBHOOK_FORMATS = ["json", "slack"] as const;

const webhookUrlSchema = z.string().refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), { message: "a webhook is an http:// or https:// URL" });

export const destinationSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("webhook"), url: webhookUrlSchema, format: z.enum(WEBHOOK_FORMATS).default("json") }),
  z.strictObject({
    type: z.literal("email"),
    to: z.array(z.email({ message: "not an e-mail address" })).default([]),
    /** Also the owners of the asset or notebook the event is about (those that are e-mail addresses). */
    owners: z.boolean().default(false),
  }).refine((d) => d.to.length > 0 || d.owners, { message: "an e-mail destination has addresses in to, or owners: true" }),
  z.strictObject({ type: z.literal("inbox") }),
]);
export type AlertDestination = z.infer<typeof destinationSchema>;

export const ruleInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scope: scopeSchema,
  events: z.array(z.enum(ALERT_EVENTS)).min(1, { message: "a rule sends at least one event" }),
  destination: destinationSchema,
  rateLimitPerHour: z.number().int().min(1).max(1000).default(20),
  allowSamples: z.boolean().default(false),
  longRunSeconds: z.number().int().positive().optional(),
  enabled: z.boolean().default(true),
});
export type AlertRuleInput = z.input<typeof ruleInputSchema>;
export type AlertRuleSpec = z.output<typeof ruleInputSchema>;

/** Whether a rule sends this event. */
export function ruleMatches(rule: Pick<AlertRuleSpec, "scope" | "events" | "enabled" | "longRunSeconds">, event: AlertEvent): boolean {
  if (!rule.enabled || !rule.events.includes(event.type)) return false;
  if (event.type === "run_too_long" && (rule.longRunSeconds === undefined || (event.durationSeconds ?? 0) < rule.longRunSeconds)) return false;
  return inScope(rule.scope, event);
}

function inScope(scope: AlertScope, event: AlertEvent): boolean {
  const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
  switch (scope.kind) {
    case "workspace":
      return true;
    case "notebook":
      return same(event.subject.notebook, scope.value);
    case "asset":
      return same(event.subject.asset, scope.value);
    case "tag":
      return event.subject.tags.some((tag) => same(tag, scope.value));
    case "owner":
      return event.subject.owners.some((owner) => same(owner, scope.value));
    default: {
      const unreachable: never = scope;
      throw new Error(`unknown scope ${JSON.stringify(unreachable)}`);
    }
  }
}
