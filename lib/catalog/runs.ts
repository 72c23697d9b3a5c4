// Runs and their events (log lines and state changes).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Prisma, type LogLevel, type Run, type RunEvent, type RunStatus, type RunTrigger } from "./generated/client";
import { RunStatus as RUN_STATUS_ENUM, RunTrigger as RUN_TRIGGER_ENUM } from "./generated/enums";
import type { CatalogDb } from "./store";

export interface RunInput {
  workspaceId: string;
  environment: string;
  selection: string[];
  notebookId?: string | null;
  trigger?: RunTrigger;
  partitions?: string[];
  createdById?: string | null;
}

// A run and its state event are written by one statement: a run moves through its states
// at every run, and each round trip to the store costs more than the statement itself.
const RUN_COLUMNS = Prisma.raw(
  `id, "workspaceId", "notebookId", status::text AS status, trigger::text AS trigger, environment, selection, partitions, error, "createdById", "createdAt", "startedAt", "finishedAt"`,
);

const runRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  notebookId: z.string().nullable(),
  status: z.enum(Object.values(RUN_STATUS_ENUM)),
  trigger: z.enum(Object.values(RUN_TRIGGER_ENUM)),
  environment: z.string(),
  selection: z.array(z.string()),
  partitions: z.array(z.string()),
  error: z.string().nullable(),
  createdById: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
}) satisfies z.ZodType<Run>;

/** `at` as the store keeps Prisma's DateTime: UTC in a timestamp without time zone. */
const utc = (at: Date) => Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/** A new run, queued. */
export async function recordRun(db: CatalogDb, input: RunInput): Promise<Run> {
  const at = utc(new Date());
  const rows = await db.$queryRaw`
    WITH run AS (
      INSERT INTO runs (id, "workspaceId", environment, selection, "notebookId", trigger, partitions, "createdById", "createdAt")
      VALUES (${randomUUID()}, ${input.workspaceId}, ${input.environment}, ${input.selection}::text[], ${input.notebookId ?? null}::text,
        ${input.trigger ?? "manual"}::"RunTrigger", ${input.partitions ?? []}::text[], ${input.createdById ?? null}::text, ${at})
      RETURNING *),
    event AS (
      INSERT INTO run_events ("runId", "type", level, message, data, at)
      SELECT id, 'state', 'info', 'queued', '{"status":"queued"}'::jsonb, "createdAt" FROM run)
    SELECT ${RUN_COLUMNS} FROM run`;
  const [run] = z.tuple([runRow]).parse(rows);
  return run;
}

/** The states a run may move to from `status`. */
export function nextStatuses(status: RunStatus): RunStatus[] {
  switch (status) {
    case "queued":
      // failed: its job failed for good before the run could start (a broken notebook version, say)
      return ["running", "failed", "cancelled"];
    case "running":
      return ["succeeded", "failed", "cancelled"];
    case "succeeded":
    case "failed":
    case "cancelled":
      return [];
    default: {
      const unreachable: never = status;
      throw new Error(`unknown run status ${String(unreachable)}`);
    }
  }
}

function previousStatuses(to: RunStatus): RunStatus[] {
  const all: RunStatus[] = ["queued", "running", "succeeded", "failed", "cancelled"];
  return all.filter((from) => nextStatuses(from).includes(to));
}

/**
 * Moves a run to `status` if that is a legal step from where it is now (checked
 * in the same statement, so two workers cannot both start one run), with its state
 * event. Returns the updated run, or null when the step is not allowed.
 */
export async function setRunStatus(db: CatalogDb, runId: string, status: RunStatus, error?: string): Promise<Run | null> {
  const at = utc(new Date());
  const sets = [Prisma.sql`status = ${status}::"RunStatus"`];
  if (status === "running") sets.push(Prisma.sql`"startedAt" = ${at}`);
  else if (nextStatuses(status).length === 0) sets.push(Prisma.sql`"finishedAt" = ${at}`);
  if (error !== undefined) sets.push(Prisma.sql`error = ${error}`);
  const level: LogLevel = status === "failed" ? "error" : "info";
  const data = JSON.stringify({ status, ...(error === undefined ? {} : { error }) });
  const rows = await db.$queryRaw`
    WITH run AS (
      UPDATE runs SET ${Prisma.join(sets, ", ")}
      WHERE id = ${runId} AND status::text = ANY(${previousStatuses(status)}::text[])
      RETURNING *),
    event AS (
      INSERT INTO run_events ("runId", "type", level, message, data, at)
      SELECT id, 'state', ${level}::"LogLevel", ${status}, ${data}::jsonb, ${at} FROM run)
    SELECT ${RUN_COLUMNS} FROM run`;
  const [run] = z.array(runRow).max(1).parse(rows);
  return run ?? null;
}

export interface LogInput {
  message: string;
  level?: LogLevel;
  asset?: string | null;
  data?: Prisma.InputJsonValue;
}

export async function appendRunLog(db: CatalogDb, runId: string, log: LogInput): Promise<RunEvent> {
  return db.runEvent.create({
    data: { runId, type: "log", level: log.level ?? "info", message: log.message, asset: log.asset ?? null, ...(log.data === undefined ? {} : { data: log.data }) },
  });
}

/** In order; `afterId` continues from the last event seen (for polling or streaming). */
export async function listRunEvents(db: CatalogDb, runId: string, afterId?: bigint): Promise<RunEvent[]> {
  return db.runEvent.findMany({ where: { runId, ...(afterId === undefined ? {} : { id: { gt: afterId } }) }, orderBy: { id: "asc" } });
}
