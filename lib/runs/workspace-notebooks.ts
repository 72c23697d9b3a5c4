// The notebooks of a workspace as production runs see them: the catalog's latest version
// of each, overridden by `<slug>.md` in the notebooks directory (the file wins, as it does
// when a run is triggered). Schedules and upstream refreshes both read them from here.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { CatalogDb } from "../catalog";
import { parseNotebook } from "../notebook/parse";
import type { Notebook } from "../notebook/types";
import { substitutePartition, type PartitionWindow } from "./partitions";

const SLUG = /^[a-z0-9][a-z0-9_-]*$/i;

/** `{{ partition.* }}` is not SQL: notebooks are read with neutral values, as a run plans them. */
const NEUTRAL_WINDOW: PartitionWindow = { key: "", start: new Date(0), end: new Date(0) };

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

/** slug → text, sorted by slug. */
async function workspaceNotebookTexts(db: CatalogDb, workspaceId: string, notebooksDir: string): Promise<Map<string, string>> {
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
  return new Map([...texts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The workspace's notebooks that parse, by slug; the others are left out (a run of them would fail anyway). */
export async function workspaceNotebooks(db: CatalogDb, workspaceId: string, notebooksDir: string): Promise<Map<string, Notebook>> {
  const notebooks = new Map<string, Notebook>();
  for (const [slug, text] of await workspaceNotebookTexts(db, workspaceId, notebooksDir)) {
    const parsed = parseNotebook(substitutePartition(text, NEUTRAL_WINDOW), `${slug}.md`);
    if (parsed.ok) notebooks.set(slug, parsed.notebook);
  }
  return notebooks;
}
