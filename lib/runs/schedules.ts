// Schedules of production runs: a notebook's front matter `schedule: { cron, timezone }`
// runs the notebook, an asset cell's `schedule` runs that asset alone (the file in the
// notebooks directory wins over the catalog's latest version). The bridge lets the
// Scheduler trigger runs: its `enqueue(task, payload, { jobKey })` becomes
// RunService.triggerRun with jobKey = tickKey, so a tick makes one run however many
// schedulers see it.
import { z } from "zod";
import type { CatalogDb } from "../catalog";
import { runKeysOf, type RunKeys } from "../notebook/schemas/run-keys";
import type { Notebook } from "../notebook/types";
import type { EnqueueOptions, EnqueueResult, JobQueue, JsonValue } from "../queue/types";
import type { ScheduleDef, ScheduleSet } from "../schedule/scheduler";
import { RUN_TASK } from "./payload";
import type { RunService } from "./service";
import { readWorkspaceNotebooks } from "./workspace-notebooks";

export const notebookScheduleId = (workspaceId: string, slug: string) => `notebook:${workspaceId}:${slug}`;
export const assetScheduleId = (workspaceId: string, slug: string, asset: string) => `asset:${workspaceId}:${slug}:${asset}`;

const target = z.object({
  workspaceId: z.string().min(1),
  notebook: z.string().min(1),
  selection: z.array(z.string().min(1)).optional(),
  params: z.record(z.string(), z.string()).optional(),
});
const tickPayload = z.object({ scheduleId: z.string(), tick: z.string(), payload: target });

function scheduleDef(id: string, schedule: NonNullable<RunKeys["schedule"]>, { workspaceId, notebook, selection }: z.infer<typeof target>): ScheduleDef {
  // A schedule may fix run parameters: as text, the way every trigger passes them.
  const params = schedule.params === undefined ? undefined : Object.fromEntries(Object.entries(schedule.params).map(([name, value]) => [name, String(value)]));
  const payload: JsonValue = { workspaceId, notebook, ...(selection === undefined ? {} : { selection }), ...(params === undefined ? {} : { params }) };
  return { id, cron: schedule.cron, timezone: schedule.timezone ?? "UTC", task: RUN_TASK, catchUp: false, payload };
}

/** The notebook's schedule, then one per asset cell that has its own. */
function schedulesOf(workspaceId: string, slug: string, nb: Notebook): ScheduleDef[] {
  const defs: ScheduleDef[] = [];
  const notebookSchedule = nb.frontMatter.schedule;
  if (notebookSchedule !== undefined) defs.push(scheduleDef(notebookScheduleId(workspaceId, slug), notebookSchedule, { workspaceId, notebook: slug }));
  for (const cell of nb.cells) {
    if (cell.type !== "asset") continue;
    const schedule = runKeysOf(cell.config).schedule;
    if (schedule !== undefined) defs.push(scheduleDef(assetScheduleId(workspaceId, slug, cell.name), schedule, { workspaceId, notebook: slug, selection: [cell.name] }));
  }
  return defs;
}

/** The schedules of a workspace's notebooks and assets; notebooks that do not parse have none, and are named in `problems`. */
export async function notebookSchedules(db: CatalogDb, workspaceId: string, notebooksDir: string): Promise<ScheduleSet> {
  const defs: ScheduleDef[] = [];
  const { notebooks, problems } = await readWorkspaceNotebooks(db, workspaceId, notebooksDir);
  for (const [slug, nb] of notebooks) defs.push(...schedulesOf(workspaceId, slug, nb));
  return { defs, problems: problems.map((problem) => `not scheduled: ${problem}`) };
}

/** The Scheduler's queue: each due tick triggers a run keyed by its tickKey. */
export function scheduledRunQueue(service: Pick<RunService, "triggerRun">): Pick<JobQueue, "enqueue"> {
  return {
    async enqueue(_task: string, payload: JsonValue, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
      const tick = tickPayload.parse(payload);
      if (opts.jobKey === undefined) throw new Error(`schedule ${tick.scheduleId}: a tick needs its key`);
      const { workspaceId, notebook, selection, params } = tick.payload;
      const run = await service.triggerRun({ workspaceId, notebook, trigger: "schedule", jobKey: opts.jobKey, ...(selection === undefined ? {} : { selection }), ...(params === undefined ? {} : { params }) });
      return { id: run.jobId, created: run.created };
    },
  };
}
