// Rows read back from SQL are parsed, not cast: both adapters' job rows go through here.
import { z } from "zod";
import { JOB_STATUSES, type JobInfo, type JsonValue } from "./types";

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export function parseJson(value: unknown): JsonValue {
  return jsonValue.parse(value);
}

const int = z.coerce.number().int();
const date = z.union([z.date(), z.string().transform((s) => new Date(s))]);

export const jobRow = z.object({
  id: z.coerce.string(),
  task: z.string(),
  payload: z.unknown(),
  status: z.enum(JOB_STATUSES),
  attempts: int,
  max_attempts: int,
  last_error: z.string().nullable(),
  job_key: z.string().nullable(),
  queue_name: z.string().nullable(),
  run_at: date,
});

export function toJobInfo(row: unknown): JobInfo {
  const r = jobRow.parse(row);
  return {
    id: r.id,
    task: r.task,
    payload: parseJson(r.payload),
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastError: r.last_error,
    jobKey: r.job_key,
    queueName: r.queue_name,
    runAt: r.run_at,
  };
}

export const idRow = z.object({ id: z.coerce.string() });

export const claimedRow = z.object({ id: z.coerce.string(), task: z.string(), payload: z.unknown(), attempts: int, max_attempts: int });

export function validateEnqueue(task: string, maxAttempts: number | undefined): void {
  if (task.trim() === "") throw new Error("queue: task name is empty");
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new Error(`queue: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
}
