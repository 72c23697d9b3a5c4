// Schedules of production runs: a notebook's front matter `schedule: { cron, timezone }`
// (the file in the notebooks directory wins over the catalog's latest version), and the
// bridge that lets the Scheduler trigger runs: its `enqueue(task, payload, { jobKey })`
// becomes RunService.triggerRun with jobKey = tickKey, so a tick makes one run however
// many schedulers see it.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { CatalogDb } from "../catalog";
import { parseNotebook } from "../notebook/parse";
import type { EnqueueOptions, EnqueueResult, JobQueue, JsonValue } from "../queue/types";
import type { ScheduleDef } from "../schedule/scheduler";
import { RUN_TASK } from "./payload";
import type { RunService } from "./service";

const SLUG = /^[a-z0-9][a-z0-9_-]*$/i;

export const notebookScheduleId = (workspaceId: string, slug: string) => `notebook:${workspaceId}:${slug}`;

const target = z.object({ workspaceId: z.string().min(1), notebook: z.string().min(1) });
const tickPayload = z.object({ scheduleId: z.string(), tick: z.string(), payload: target });

function scheduleOf(workspaceId: string, slug: string, text: string): ScheduleDef | null {
  const parsed = parseNotebook(text, `${slug}.md`);
  const schedule = parsed.ok ? parsed.notebook.frontMatter.schedule : undefined;
  if (schedule === undefined) return null;
  const payload: JsonValue = { workspaceId, notebook: slug };
  return { id: notebookScheduleId(workspaceId, slug), cron: schedule.cron, timezone: schedule.timezone ?? "UTC", task: RUN_TASK, catchUp: false, payload };
}

async function notebookFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return files;
    throw error;
  }
  for (const name of names.sort()) {
    if (!name.endsWith(".md") || !SLUG.test(name.slice(0, -3))) continue;
    files.set(name.slice(0, -3), await readFile(path.join(dir, name), "utf8"));
  }
  return files;
}

/** The schedules of a workspace's notebooks; notebooks that do not parse have none. */
export async function notebookSchedules(db: CatalogDb, workspaceId: string, notebooksDir: string): Promise<ScheduleDef[]> {
  const texts = new Map<string, string>();
  const notebooks = await db.notebook.findMany({
    where: { workspaceId },
    select: { slug: true, versions: { orderBy: { number: "desc" }, take: 1, select: { text: true } } },
  });
  for (const nb of notebooks) {
    const latest = nb.versions[0];
    if (latest !== undefined) texts.set(nb.slug, latest.text);
  }
  for (const [slug, text] of await notebookFiles(notebooksDir)) texts.set(slug, text);
  const defs: ScheduleDef[] = [];
  for (const [slug, text] of [...texts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const def = scheduleOf(workspaceId, slug, text);
    if (def !== null) defs.push(def);
  }
  return defs;
}

/** The Scheduler's queue: each due tick triggers a run keyed by its tickKey. */
export function scheduledRunQueue(service: Pick<RunService, "triggerRun">): Pick<JobQueue, "enqueue"> {
  return {
    async enqueue(_task: string, payload: JsonValue, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
      const tick = tickPayload.parse(payload);
      if (opts.jobKey === undefined) throw new Error(`schedule ${tick.scheduleId}: a tick needs its key`);
      const run = await service.triggerRun({ workspaceId: tick.payload.workspaceId, notebook: tick.payload.notebook, trigger: "schedule", jobKey: opts.jobKey });
      return { id: run.jobId, created: run.created };
    },
  };
}

