// What a notification says, and how a webhook proves it came from us. Pure.
//
// The signature (docs/alerts.md): HMAC-SHA256, keyed by the workspace's signing secret, of
// `<timestamp>.<body>` where timestamp is the `X-Assetbook-Timestamp` header (Unix seconds)
// and body the request's bytes; sent as `X-Assetbook-Signature: v1=<hex>`. A receiver
// recomputes it, compares in constant time, and refuses a timestamp more than 5 minutes off.
import { z } from "zod";
import type { AlertEvent } from "./events";

export { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, TIMESTAMP_HEADER, signatureOf, verifySignature } from "../secrets/signature";

export const DELIVERY_KINDS = ["triggered", "resolved", "test"] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export const DELIVERY_HEADER = "x-assetbook-delivery";
export const DEDUP_HEADER = "x-assetbook-dedup-key";

const factSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The generic JSON payload (format `json`), as stored with the delivery and sent. */
export const alertPayloadSchema = z.object({
  version: z.literal(1),
  delivery: z.string(),
  kind: z.enum(DELIVERY_KINDS),
  event: z.string(),
  dedup_key: z.string(),
  title: z.string(),
  /** ISO instant the condition began (triggered), ended (resolved) or the test was sent. */
  at: z.string(),
  rule: z.string(),
  notebook: z.string().nullable(),
  asset: z.string().nullable(),
  facts: z.record(z.string(), factSchema),
  link: z.string().nullable(),
  samples: z.array(z.record(z.string(), factSchema)).optional(),
});
export type AlertPayload = z.infer<typeof alertPayloadSchema>;

export interface PayloadInput {
  delivery: string;
  kind: DeliveryKind;
  rule: string;
  dedupKey: string;
  event: Pick<AlertEvent, "type" | "title" | "at" | "subject" | "facts" | "link" | "samples">;
  allowSamples: boolean;
  /** The app's public URL, for links (null: paths only). */
  baseUrl: string | null;
}

export function alertPayload(input: PayloadInput): AlertPayload {
  const { event } = input;
  const link = event.link === undefined ? null : input.baseUrl === null ? event.link : new URL(event.link, input.baseUrl).toString();
  return {
    version: 1,
    delivery: input.delivery,
    kind: input.kind,
    event: event.type,
    dedup_key: input.dedupKey,
    title: input.kind === "resolved" ? `Resolved: ${event.title}` : event.title,
    at: event.at.toISOString(),
    rule: input.rule,
    notebook: event.subject.notebook ?? null,
    asset: event.subject.asset ?? null,
    facts: { ...event.facts },
    link,
    ...(input.allowSamples && event.samples !== undefined && event.samples.length > 0 ? { samples: event.samples.slice(0, 10).map((row) => ({ ...row })) } : {}),
  };
}

/** The Slack-compatible body (format `slack`): an incoming webhook's `text`, with mrkdwn. */
export function slackBody(payload: AlertPayload): { text: string } {
  const icon = payload.kind === "resolved" ? ":white_check_mark:" : payload.kind === "test" ? ":bell:" : ":rotating_light:";
  const facts = Object.entries(payload.facts).flatMap(([key, value]) => (value === null ? [] : [`• *${key}*: ${String(value)}`]));
  const link = payload.link === null ? [] : [`<${payload.link}|Open in Assetbook>`];
  return { text: [`${icon} *${payload.title}*`, ...facts, ...link].join("\n") };
}

/** An e-mail's subject and plain text. */
export function emailMessage(payload: AlertPayload): { subject: string; text: string } {
  const facts = Object.entries(payload.facts).flatMap(([key, value]) => (value === null ? [] : [`  ${key}: ${String(value)}`]));
  const lines = [payload.title, "", `Event: ${payload.event} (${payload.kind})`, `At: ${payload.at}`, ...(facts.length > 0 ? ["", ...facts] : [])];
  if (payload.link !== null) lines.push("", payload.link);
  lines.push("", `Rule: ${payload.rule} · incident ${payload.dedup_key}`);
  return { subject: `[Assetbook] ${payload.title}`, text: lines.join("\n") };
}
