// The notebooks of a workspace as production runs see them: the catalog's latest version
// of each, overridden by `<slug>.md` in the notebooks directory (the file wins, as it does
// when a run is triggered). Schedules and upstream refreshes both read them from here.
import { z } from "zod";
import type { CatalogDb } from "../catalog";
import { parseNotebook } from "../notebook/parse";
import type { Notebook } from "../notebook/types";
import { Lru } from "./lru";
import { neutralNotebookText } from "../partitions/neutral-text";
import { readNotebookDir } from "../workspace/notebook-files";

async function notebookFiles(dir: string): Promise<Map<string, string>> {
  return new Map((await readNotebookDir(dir)).notebooks.map(({ slug, text }) => [slug, text]));
}

// Parsing is pure and a version never changes: each version (by id) and each file text is
// parsed once per process, not at the end of every run. null: it does not parse.
const parsedVersions = new Lru<string, Notebook | null>(512);
const parsedFiles = new Lru<string, Notebook | null>(512);

function parse(slug: string, text: string): Notebook | null {
  // `{{ partition.* }}` is not SQL: notebooks are read with neutral values, as a run plans them.
  const parsed = parseNotebook(neutralNotebookText(text, `${slug}.md`), `${slug}.md`);
  return parsed.ok ? parsed.notebook : null;
}

function remembered(cache: Lru<string, Notebook | null>, key: string, slug: string, text: string): Notebook | null {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const notebook = parse(slug, text);
  cache.set(key, notebook);
  return notebook;
}

const latestVersionRow = z.object({ slug: z.string(), id: z.string() });

/** slug → the latest version of each notebook in the catalog, parsed; texts are read only for versions not seen before. */
async function catalogNotebooks(db: CatalogDb, workspaceId: string): Promise<Map<string, Notebook | null>> {
  const latest = z.array(latestVersionRow).parse(
    await db.$queryRaw`
      SELECT DISTINCT ON (n.slug) n.slug, v.id
      FROM notebooks n JOIN notebook_versions v ON v."notebookId" = n.id
      WHERE n."workspaceId" = ${workspaceId}
      ORDER BY n.slug, v.number DESC`,
  );
  const known = new Map<string, Notebook | null>();
  for (const { id } of latest) {
    const cached = parsedVersions.get(id);
    if (cached !== undefined) known.set(id, cached);
  }
  const unseen = latest.filter((v) => !known.has(v.id)).map((v) => v.id);
  const texts = unseen.length === 0 ? [] : await db.notebookVersion.findMany({ where: { id: { in: unseen } }, select: { id: true, text: true } });
  const textOf = new Map(texts.map((t) => [t.id, t.text]));
  const notebooks = new Map<string, Notebook | null>();
  for (const { slug, id } of latest) {
    const text = textOf.get(id);
    if (known.has(id)) notebooks.set(slug, known.get(id) ?? null);
    else if (text !== undefined) notebooks.set(slug, remembered(parsedVersions, id, slug, text));
  }
  return notebooks;
}

/** The workspace's notebooks that parse, by slug, sorted; the others are left out (a run of them would fail anyway). */
export async function workspaceNotebooks(db: CatalogDb, workspaceId: string, notebooksDir: string): Promise<Map<string, Notebook>> {
  const all = await catalogNotebooks(db, workspaceId);
  for (const [slug, text] of await notebookFiles(notebooksDir)) all.set(slug, remembered(parsedFiles, `${slug}\n${text}`, slug, text));
  const notebooks = new Map<string, Notebook>();
  for (const [slug, nb] of [...all.entries()].sort(([a], [b]) => a.localeCompare(b))) if (nb !== null) notebooks.set(slug, nb);
  return notebooks;
}
