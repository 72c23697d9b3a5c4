// Runs and their events (log lines and state changes).
import type { LogLevel, Prisma, Run, RunEvent, RunStatus, RunTrigger } from "./generated/client";
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

/** A new run, queued. */
export async function recordRun(db: CatalogDb, input: RunInput): Promise<Run> {
  return db.$transaction(async (tx) => {
    const run = await tx.run.create({
      data: {
        workspaceId: input.workspaceId,
        environment: input.environment,
        selection: input.selection,
        notebookId: input.notebookId ?? null,
        trigger: input.trigger ?? "manual",
        partitions: input.partitions ?? [],
        createdById: input.createdById ?? null,
      },
    });
    await tx.runEvent.create({ data: { runId: run.id, type: "state", message: "queued", data: { status: "queued" } } });
    return run;
  });
}

/** The states a run may move to from `status`. */
export function nextStatuses(status: RunStatus): RunStatus[] {
  switch (status) {
    case "queued":
      return ["running", "cancelled"];
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
 * in the same statement, so two workers cannot both start one run). Returns the
 * updated run, or null when the step is not allowed.
 */
export async function setRunStatus(db: CatalogDb, runId: string, status: RunStatus, error?: string): Promise<Run | null> {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const timestamps: Prisma.RunUpdateManyMutationInput = status === "running" ? { startedAt: now } : nextStatuses(status).length === 0 ? { finishedAt: now } : {};
    const { count } = await tx.run.updateMany({
      where: { id: runId, status: { in: previousStatuses(status) } },
      data: { status, ...timestamps, ...(error === undefined ? {} : { error }) },
    });
    if (count === 0) return null;
    await tx.runEvent.create({
      data: { runId, type: "state", level: status === "failed" ? "error" : "info", message: status, data: { status, ...(error === undefined ? {} : { error }) } },
    });
    return tx.run.findUnique({ where: { id: runId } });
  });
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
