// Inputs at the edges of the run service: trigger requests and job payloads.
import { z } from "zod";
import { notebookSlugSchema } from "../workspace/slug";

export const RUN_TASK = "materialize_run";

export const TRIGGERS = ["manual", "schedule", "upstream", "cli", "backfill", "sensor"] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const triggerInputSchema = z.object({
  workspaceId: z.string().min(1),
  notebook: notebookSlugSchema,
  selection: z.array(z.string().min(1)).optional(),
  partition: z.string().min(1).optional(),
  trigger: z.enum(TRIGGERS),
  environment: z.literal("production").default("production"),
  /** Idempotency key (a schedule tick's tickKey); the same key gives one run. */
  jobKey: z.string().min(1).optional(),
  createdById: z.string().nullable().optional(),
  /** Runs of one queue name run one at a time (backfill lanes). */
  queueName: z.string().min(1).optional(),
  /** Not run before this instant. */
  runAt: z.date().optional(),
  /** Upstream refreshes: the assets each earlier run of the chain materialized (a loop guard). */
  chain: z.array(z.array(z.string().min(1))).optional(),
  /** Incremental cells are built whole, as on their first run. */
  fullRefresh: z.boolean().optional(),
  /** The run's parameters as text, checked against the notebook's declarations before anything runs. */
  params: z.record(z.string(), z.string()).optional(),
});
export type TriggerInput = z.input<typeof triggerInputSchema>;

export const runPayloadSchema = z.object({
  runId: z.string().min(1),
  versionId: z.string().min(1),
  partition: z.string().nullable().default(null),
  chain: z.array(z.array(z.string())).default([]),
  fullRefresh: z.boolean().default(false),
  params: z.record(z.string(), z.string()).default({}),
});
export type RunPayload = z.infer<typeof runPayloadSchema>;
