// The notebooks of a workspace as production runs see them: once production is promoted,
// the versions it serves; before, the catalog's latest version of each, overridden by
// `<slug>.md` in the notebooks directory (the file wins, as it does when a run is triggered). Schedules and upstream refreshes both read them from here; a
// notebook that does not parse or cannot be read is left out with its problem.
import { z } from "zod";
import type { CatalogDb } from "../catalog";
import { isPromoted } from "../catalog/production";
import { formatIssue } from "../notebook";
import { parseNotebook } from "../notebook/parse";
import type { Notebook } from "../notebook/types";
import { Lru } from "./lru";
import { neutralNotebookText } from "../partitions/neutral-text";
import { readNotebookDir } from "../workspace/notebook-files";

/** slug → the file's text, or its problem when it cannot be read (the file still wins over the catalog's version). */
async function notebookFiles(dir: string): Promise<Map<string, { text: string } | { problem: string }>> {
  const { notebooks, ignored } = await readNotebookDir(dir);
  const files = new Map<string, { text: string } | { problem: string }>(notebooks.map(({ slug, text }) => [slug, { text }]));
  for (const { slug, file, reason } of ignored) if (slug !== undefined) files.set(slug, { problem: `${file}: ${reason}` });
  return files;
}

/** A notebook as runs read it, or why it cannot be run. */
type Parsed = { notebook: Notebook } | { problem: string };

// Parsing is pure and a version never changes: each version (by id) and each file text is
// parsed once per process, not at the end of every run.
const parsedVersions = new Lru<string, Parsed>(512);
const parsedFiles = new Lru<string, Parsed>(512);

function parse(slug: string, text: string): Parsed {
  const file = `${slug}.md`;
  try {
    // `{{ partition.* }}` is not SQL: notebooks are read with neutral values, as a run plans them.
    const parsed = parseNotebook(neutralNotebookText(text, file), file);
    if (parsed.ok) return { notebook: parsed.notebook };
    const first = parsed.issues[0];
    return { problem: first ? formatIssue(first) : `${file}: does not parse` };
  } catch (error) {
    // The parser reports rather than throws; should it throw, this notebook alone is left out.
    return { problem: `${file}: cannot be parsed (${error instanceof Error ? error.message : String(error)})` };
  }
}

function remembered(cache: Lru<string, Parsed>, key: string, slug: string, text: string): Parsed {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const parsed = parse(slug, text);
  cache.set(key, parsed);
  return parsed;
}

const latestVersionRow = z.object({ slug: z.string(), id: z.string() });

/** slug → the latest version of each notebook in the catalog, parsed; texts are read only for versions not seen before. */
async function catalogNotebooks(db: CatalogDb, workspaceId: string, promoted: boolean): Promise<Map<string, Parsed>> {
  const latest = z.array(latestVersionRow).parse(
    promoted
      ? await db.$queryRaw`
      SELECT n.slug, n."productionVersionId" AS id FROM notebooks n
      WHERE n."workspaceId" = ${workspaceId} AND n."productionVersionId" IS NOT NULL ORDER BY n.slug`
      : await db.$queryRaw`
      SELECT DISTINCT ON (n.slug) n.slug, v.id
      FROM notebooks n JOIN notebook_versions v ON v."notebookId" = n.id
      WHERE n."workspaceId" = ${workspaceId}
      ORDER BY n.slug, v.number DESC`,
  );
  const known = new Map<string, Parsed>();
  for (const { id } of latest) {
    const cached = parsedVersions.get(id);
    if (cached !== undefined) known.set(id, cached);
  }
  const unseen = latest.filter((v) => !known.has(v.id)).map((v) => v.id);
  const texts = unseen.length === 0 ? [] : await db.notebookVersion.findMany({ where: { id: { in: unseen } }, select: { id: true, text: true } });
  const textOf = new Map(texts.map((t) => [t.id, t.text]));
  const notebooks = new Map<string, Parsed>();
  for (const { slug, id } of latest) {
    const text = textOf.get(id);
    const seen = known.get(id);
    if (seen !== undefined) notebooks.set(slug, seen);
    else if (text !== undefined) notebooks.set(slug, remembered(parsedVersions, id, slug, text));
  }
  return notebooks;
}

export interface WorkspaceNotebooks {
  /** The notebooks that parse, by slug, sorted. */
  notebooks: Map<string, Notebook>;
  /** `file[:line:column]: reason` for each one left out, sorted by slug. */
  problems: string[];
}

/** The workspace's notebooks, and the problems of those left out: one bad notebook never hides the others. */
export async function readWorkspaceNotebooks(db: CatalogDb, workspaceId: string, notebooksDir: string): Promise<WorkspaceNotebooks> {
  // Once promoted, production's texts alone: a saved or new file waits for its promotion.
  const promoted = await isPromoted(db, workspaceId);
  const all = await catalogNotebooks(db, workspaceId, promoted);
  if (!promoted) for (const [slug, read] of await notebookFiles(notebooksDir)) all.set(slug, "text" in read ? remembered(parsedFiles, `${slug}\n${read.text}`, slug, read.text) : read);
  const result: WorkspaceNotebooks = { notebooks: new Map(), problems: [] };
  for (const [slug, parsed] of [...all.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if ("notebook" in parsed) result.notebooks.set(slug, parsed.notebook);
    else result.problems.push(parsed.problem);
  }
  return result;
}

/** The workspace's notebooks that parse, by slug, sorted; the others are left out (a run of them would fail anyway). */
export async function workspaceNotebooks(db: CatalogDb, workspaceId: string, notebooksDir: string): Promise<Map<string, Notebook>> {
  return (await readWorkspaceNotebooks(db, workspaceId, notebooksDir)).notebooks;
}
