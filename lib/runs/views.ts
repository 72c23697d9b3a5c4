// What the run pages show: runs listed with filters, one run with a per-asset timeline
// (state, attempts, rows, duration) folded from its events, and events after an id for
// polling. Plain JSON-safe values (ids of events as strings, dates as ISO strings).
import { z } from "zod";
import type { CatalogDb, RunEvent, RunStatus } from "../catalog";

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const satisfies readonly RunStatus[];

export interface RunFilters {
  status?: RunStatus;
  notebook?: string;
  /** Only runs older than this run (its id): the next page of a list. */
  before?: string;
}

export interface RunSummary {
  id: string;
  status: RunStatus;
  trigger: string;
  notebook: string | null;
  selection: string[];
  partitions: string[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EventView {
  id: string;
  at: string;
  type: "log" | "state";
  level: string;
  asset: string | null;
  message: string;
}

export type AttemptStatus = "running" | "succeeded" | "failed" | "stopped";
export interface AttemptView {
  attempt: number;
  status: AttemptStatus;
  startedAt: string;
  rows: number | null;
  durationMs: number | null;
  error: string | null;
}

export type AssetState = "running" | "retrying" | "succeeded" | "failed" | "skipped" | "cancelled";
export interface AssetTimeline {
  name: string;
  state: AssetState;
  attempts: AttemptView[];
  rows: number | null;
  durationMs: number | null;
  reason: string | null;
  startedAt: string;
  /** The checks of its succeeded attempt (passing ones too); null before one, or from a run logged without them. */
  checks: { passed: number; total: number } | null;
  /** How its succeeded attempt made the rows, where worth saying (AssetOutcome.note); null otherwise. */
  note: string | null;
}

export interface RunDetail extends RunSummary {
  finished: boolean;
  assets: AssetTimeline[];
  events: EventView[];
}

export function isFinished(status: RunStatus): boolean {
  switch (status) {
    case "queued":
    case "running":
      return false;
    case "succeeded":
    case "failed":
    case "cancelled":
      return true;
    default: {
      const unreachable: never = status;
      throw new Error(`unknown run status ${String(unreachable)}`);
    }
  }
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

type RunRow = { id: string; status: RunStatus; trigger: string; selection: string[]; partitions: string[]; error: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; notebook: { slug: string } | null };

function summary(run: RunRow): RunSummary {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    notebook: run.notebook?.slug ?? null,
    selection: run.selection,
    partitions: run.partitions,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}

/** The newest runs first (ties by id), `limit` of them, after `filters.before` when given. */
export async function listRuns(db: CatalogDb, workspaceId: string, filters: RunFilters = {}, limit = 100): Promise<RunSummary[]> {
  const cursor = filters.before === undefined ? null : await db.run.findFirst({ where: { id: filters.before, workspaceId }, select: { id: true, createdAt: true } });
  if (filters.before !== undefined && cursor === null) return [];
  const runs = await db.run.findMany({
    where: {
      workspaceId,
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.notebook ? { notebook: { slug: filters.notebook } } : {}),
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
    },
    include: { notebook: { select: { slug: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return runs.map(summary);
}

/** One page of `listRuns`; `older` names its last run when runs older than it match too (the next page's `before`). */
export async function runsPage(db: CatalogDb, workspaceId: string, filters: RunFilters = {}, size = 100): Promise<{ runs: RunSummary[]; older?: string }> {
  const found = await listRuns(db, workspaceId, filters, size + 1);
  const runs = found.slice(0, size);
  const older = found.length > size ? runs.at(-1)?.id : undefined;
  return older === undefined ? { runs } : { runs, older };
}

export function eventView(event: RunEvent): EventView {
  return { id: event.id.toString(), at: event.at.toISOString(), type: event.type, level: event.level, asset: event.asset, message: event.message };
}

/** Events of a run in the workspace after `afterId` (null when the run is not in the workspace). */
export async function runEventsAfter(db: CatalogDb, workspaceId: string, runId: string, afterId?: bigint): Promise<{ status: RunStatus; events: EventView[] } | null> {
  const run = await db.run.findFirst({ where: { id: runId, workspaceId }, select: { status: true } });
  if (run === null) return null;
  const events = await db.runEvent.findMany({ where: { runId, ...(afterId === undefined ? {} : { id: { gt: afterId } }) }, orderBy: { id: "asc" }, take: 1000 });
  return { status: run.status, events: events.map(eventView) };
}

export async function runDetail(db: CatalogDb, workspaceId: string, runId: string): Promise<RunDetail | null> {
  const run = await db.run.findFirst({ where: { id: runId, workspaceId }, include: { notebook: { select: { slug: true } } } });
  if (run === null) return null;
  const events = await db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
  return { ...summary(run), finished: isFinished(run.status), assets: assetTimeline(events, run.status), events: events.map(eventView) };
}

const eventData = z.object({
  event: z.string(),
  attempt: z.number().optional(),
  rows: z.number().nullable().optional(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
  reason: z.string().optional(),
  checks: z.object({ passed: z.number(), total: z.number() }).optional(),
  note: z.string().optional(),
});

/** Folds a run's events into one timeline per asset, in the order the assets started. */
export function assetTimeline(events: readonly { asset: string | null; data: unknown; at: Date; message: string }[], runStatus: RunStatus): AssetTimeline[] {
  const assets = new Map<string, AssetTimeline>();
  for (const event of events) {
    if (event.asset === null) continue;
    const parsed = eventData.safeParse(event.data);
    if (!parsed.success) continue;
    const data = parsed.data;
    let asset = assets.get(event.asset);
    if (asset === undefined) {
      asset = { name: event.asset, state: "running", attempts: [], rows: null, durationMs: null, reason: null, startedAt: event.at.toISOString(), checks: null, note: null };
      assets.set(event.asset, asset);
    }
    const current = asset.attempts.at(-1);
    switch (data.event) {
      case "attempt_started":
        asset.attempts.push({ attempt: data.attempt ?? asset.attempts.length + 1, status: "running", startedAt: event.at.toISOString(), rows: null, durationMs: null, error: null });
        asset.state = "running";
        break;
      case "attempt_succeeded":
        if (current) {
          current.status = "succeeded";
          current.rows = data.rows ?? null;
          current.durationMs = data.durationMs ?? null;
        }
        asset.state = "succeeded";
        asset.rows = data.rows ?? null;
        asset.checks = data.checks ?? null;
        asset.note = data.note ?? null;
        asset.durationMs = sumDurations(asset.attempts);
        break;
      case "attempt_failed":
        if (current) {
          current.status = event.message.includes(" stopped:") ? "stopped" : "failed";
          current.durationMs = data.durationMs ?? null;
          current.error = data.error ?? null;
        }
        asset.state = "failed";
        asset.reason = data.error ?? null;
        asset.durationMs = sumDurations(asset.attempts);
        break;
      case "retry_scheduled":
        asset.state = "retrying";
        break;
      case "asset_skipped":
        asset.state = "skipped";
        asset.reason = data.reason ?? null;
        break;
      case "asset_unsupported":
        asset.state = "skipped";
        asset.reason = "unsupported";
        break;
      case "asset_recovered":
        asset.state = "succeeded";
        break;
      default:
        break; // fenced, resumed and future events leave the state as it is
    }
  }
  const list = [...assets.values()];
  if (isFinished(runStatus)) {
    // An attempt still open when the run ended was stopped with it.
    for (const asset of list) {
      if (asset.state !== "running" && asset.state !== "retrying") continue;
      asset.state = runStatus === "succeeded" ? "succeeded" : "cancelled";
      for (const attempt of asset.attempts) if (attempt.status === "running") attempt.status = "stopped";
    }
  }
  return list;
}

function sumDurations(attempts: AttemptView[]): number {
  return attempts.reduce((sum, a) => sum + (a.durationMs ?? 0), 0);
}
