// The run API's answers, checked where the browser receives them (see lib/runs/views.ts).
import "@/app/_lib/zod-jitless";
import { z } from "zod";

const status = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);

export const eventSchema = z.object({ id: z.string(), at: z.string(), type: z.enum(["log", "state"]), level: z.string(), asset: z.string().nullable(), message: z.string() });
const attemptSchema = z.object({
  attempt: z.number(),
  status: z.enum(["running", "succeeded", "failed", "stopped"]),
  startedAt: z.string(),
  rows: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
});
const assetSchema = z.object({
  name: z.string(),
  state: z.enum(["running", "retrying", "succeeded", "failed", "skipped", "cancelled"]),
  attempts: z.array(attemptSchema),
  rows: z.number().nullable(),
  durationMs: z.number().nullable(),
  reason: z.string().nullable(),
  startedAt: z.string(),
  checks: z.object({ passed: z.number(), total: z.number() }).nullable(),
  note: z.string().nullable(),
});
export const runDetailSchema = z.object({
  id: z.string(),
  status,
  trigger: z.string(),
  notebook: z.string().nullable(),
  selection: z.array(z.string()),
  partitions: z.array(z.string()),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  finished: z.boolean(),
  assets: z.array(assetSchema),
  events: z.array(eventSchema),
});
export type RunDetailView = z.infer<typeof runDetailSchema>;
export type EventItem = z.infer<typeof eventSchema>;

export const runAnswer = z.object({ run: runDetailSchema });
export const eventsAnswer = z.object({ status, events: z.array(eventSchema) });
export const createdAnswer = z.object({ id: z.string() });
export const errorAnswer = z.object({ error: z.string() });

/** GET /api/runs/inputs: the selection's inputs that were never materialized. */
export const inputsAnswer = z.object({ neverMaterialized: z.array(z.string()) });
