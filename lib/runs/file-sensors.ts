// File sensors: an extract cell's `sensor: { files: "incoming/*.csv", param: file }`. A new
// or changed file in the data directory that matches starts one production run of the
// notebook, with the file's path (relative to the data directory) as the run parameter
// `param` when given. Once per file version (its path, size and modification time): the
// run's job key is the version's, and `sensor_files` remembers each version after its job
// is gone, so neither a restart nor a second scheduler starts it again.
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { glob } from "tinyglobby";
import { z } from "zod";
import type { CatalogDb } from "../catalog";
import { productionTexts } from "../catalog/production";
import { parseNotebook } from "../notebook/parse";
import type { Notebook } from "../notebook/types";
import type { RunTriggers } from "./trigger";

/** New file versions started per sensor and evaluation: a folder of thousands is worked through over several ticks. */
export const MAX_FILES_PER_TICK = 100;

const sensorSchema = z.object({ files: z.string(), param: z.string().optional() });

export interface FileSensor {
  cell: string;
  files: string;
  param?: string;
}

/** The file sensors of a notebook (its extract cells' `sensor`). */
export function fileSensorsOf(notebook: Notebook): FileSensor[] {
  return notebook.cells.flatMap((cell) => {
    if (cell.type !== "asset" || cell.kind !== "extract") return [];
    const sensor = sensorSchema.safeParse(cell.config.sensor);
    return sensor.success ? [{ cell: cell.name, files: sensor.data.files, ...(sensor.data.param === undefined ? {} : { param: sensor.data.param }) }] : [];
  });
}

export interface SensedFile {
  /** Relative to the data directory, with `/`. */
  path: string;
  version: string;
}

/** Regular files matching `pattern` inside `dataDir` (symlinks not followed), oldest first, each with its version. */
export async function matchingFiles(dataDir: string, pattern: string): Promise<SensedFile[]> {
  const found = await glob(pattern, { cwd: dataDir, onlyFiles: true, followSymbolicLinks: false, dot: false, expandDirectories: false });
  const files: (SensedFile & { mtimeMs: number })[] = [];
  for (const relative of found) {
    if (relative.split("/").includes("..")) continue;
    const info = await stat(path.join(dataDir, relative)).catch(() => null);
    if (info === null || !info.isFile()) continue;
    const version = createHash("sha256").update(`${relative}\n${info.size}\n${info.mtimeMs}`).digest("hex").slice(0, 32);
    files.push({ path: relative, version, mtimeMs: info.mtimeMs });
  }
  return files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path)).map(({ path: p, version }) => ({ path: p, version }));
}

export interface FileSensorDeps {
  db: CatalogDb;
  runs: Pick<RunTriggers, "triggerRun">;
  dataDir: string;
  /** Each production text's sensors, kept between evaluations (a scheduler looks every few seconds; texts change by promotion). */
  parsed?: Map<string, FileSensor[]>;
}

/** At most this many texts' sensors are kept; beyond, the memory starts again. */
const MAX_PARSED = 1_000;

function sensorsOfText(deps: FileSensorDeps, slug: string, text: string): FileSensor[] {
  const key = `${slug}\n${createHash("sha256").update(text).digest("hex")}`;
  const known = deps.parsed?.get(key);
  if (known !== undefined) return known;
  const parsed = parseNotebook(text, `${slug}.md`);
  const sensors = parsed.ok ? fileSensorsOf(parsed.notebook) : [];
  if (deps.parsed !== undefined) {
    if (deps.parsed.size >= MAX_PARSED) deps.parsed.clear();
    deps.parsed.set(key, sensors);
  }
  return sensors;
}

export interface SensorOutcome {
  started: { notebook: string; cell: string; path: string; runId: string }[];
  /** Sensors that could not start their runs (a parameter the notebook does not declare), named. */
  problems: string[];
}

/** One evaluation of every file sensor of production's notebooks. */
export async function evaluateFileSensors(deps: FileSensorDeps, workspaceId: string): Promise<SensorOutcome> {
  const outcome: SensorOutcome = { started: [], problems: [] };
  const texts = (await productionTexts(deps.db, workspaceId)) ?? {};
  for (const [slug, text] of Object.entries(texts)) {
    const sensors = sensorsOfText(deps, slug, text);
    if (sensors.length === 0) continue;
    const notebook = await deps.db.notebook.findUnique({ where: { workspaceId_slug: { workspaceId, slug } }, select: { id: true } });
    if (notebook === null) continue;
    for (const sensor of sensors) {
      try {
        await evaluateSensor(deps, workspaceId, slug, notebook.id, sensor, outcome);
      } catch (error) {
        outcome.problems.push(`${slug}.md cell "${sensor.cell}": sensor: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return outcome;
}

async function evaluateSensor(deps: FileSensorDeps, workspaceId: string, slug: string, notebookId: string, sensor: FileSensor, outcome: SensorOutcome): Promise<void> {
  const files = await matchingFiles(deps.dataDir, sensor.files);
  if (files.length === 0) return;
  const seen = await deps.db.sensorFile.findMany({ where: { notebookId, cell: sensor.cell, path: { in: files.map((f) => f.path) } }, select: { path: true, version: true } });
  const known = new Set(seen.map((row) => `${row.path}\n${row.version}`));
  const fresh = files.filter((file) => !known.has(`${file.path}\n${file.version}`)).slice(0, MAX_FILES_PER_TICK);
  for (const file of fresh) {
    const run = await deps.runs.triggerRun({
      workspaceId,
      notebook: slug,
      trigger: "sensor",
      // Two schedulers at once make one run: the job key is the file version's.
      jobKey: `filesensor:${notebookId}:${sensor.cell}:${file.version}`,
      ...(sensor.param === undefined ? {} : { params: { [sensor.param]: file.path } }),
    });
    await deps.db.sensorFile.createMany({ data: [{ notebookId, cell: sensor.cell, path: file.path, version: file.version, runId: run.runId }], skipDuplicates: true });
    if (run.created) outcome.started.push({ notebook: slug, cell: sensor.cell, path: file.path, runId: run.runId });
  }
}
