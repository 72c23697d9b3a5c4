// The one notebook source: which files in the notebooks directory are notebooks (one slug
// rule, slug.ts), and listing, reading (with a content hash), saving atomically in canonical
// form with conflict detection, creating and deleting them. Every host goes through here:
// the editor, the catalog sync, schedules, run triggers and the command line.
import { createHash, randomBytes } from "node:crypto";
import { link, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { formatNotebook, parseNotebook, type NotebookIssue } from "../notebook";
import { assertSlug, isSlug, slugify, SLUG_RULE } from "./slug";

export interface NotebookSummary {
  slug: string;
  /** Path as shown to users, e.g. `notebooks/rides.md`. */
  file: string;
  /** The front matter `title`, or the slug. */
  title: string;
}

export interface NotebookFile {
  text: string;
  /** sha256 of the file's bytes, hex. */
  hash: string;
}

export type SaveResult =
  | { ok: true; hash: string; text: string }
  | { ok: false; conflict: { currentText: string | null; currentHash: string | null } }
  | { ok: false; issues: NotebookIssue[] };

export function hashText(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The path shown in messages: `notebooks/<slug>.md`. */
export function displayFile(slug: string): string {
  return `notebooks/${slug}.md`;
}

function fileOf(dir: string, slug: string): string {
  assertSlug(slug);
  return path.join(/* turbopackIgnore: true */ dir, `${slug}.md`);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(/* turbopackIgnore: true */ file, "utf8");
  } catch (error) {
    if (isErrno(error, "ENOENT")) return null;
    throw error;
  }
}

/** The slug of a file name in the notebooks directory, or null when the file is not a notebook. */
export function slugOfFileName(name: string): string | null {
  if (!name.endsWith(".md")) return null;
  const slug = name.slice(0, -".md".length);
  return isSlug(slug) ? slug : null;
}

export interface NotebookText {
  slug: string;
  /** As shown to users: `notebooks/<slug>.md`. */
  file: string;
  text: string;
}

export interface NotebookDir {
  /** Sorted by slug. */
  notebooks: NotebookText[];
  /** `.md` files that are not notebooks because of their name, with the reason. */
  ignored: { file: string; reason: string }[];
}

async function fileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(/* turbopackIgnore: true */ dir)).sort();
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

/** Every notebook in `dir` with its text; a missing folder has none. */
export async function readNotebookDir(dir: string): Promise<NotebookDir> {
  const result: NotebookDir = { notebooks: [], ignored: [] };
  for (const name of await fileNames(dir)) {
    if (!name.endsWith(".md") || name.startsWith(".")) continue;
    const slug = slugOfFileName(name);
    if (slug === null) {
      result.ignored.push({ file: `notebooks/${name}`, reason: `not a notebook name: ${SLUG_RULE}, at most 64, then .md` });
      continue;
    }
    const text = await readIfExists(fileOf(dir, slug));
    if (text !== null) result.notebooks.push({ slug, file: displayFile(slug), text });
  }
  return result;
}

/** The notebooks in `dir`, sorted by title. A missing folder is an empty list. */
export async function listNotebooks(dir: string): Promise<NotebookSummary[]> {
  const { notebooks } = await readNotebookDir(dir);
  const summaries = notebooks.map(({ slug, file, text }): NotebookSummary => {
    const title = parseNotebook(text, file).notebook?.frontMatter.title;
    return { slug, file, title: typeof title === "string" && title.trim() !== "" ? title : slug };
  });
  return summaries.sort((a, b) => a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug));
}

/** The file's text and hash, or null when there is no such notebook. Throws InvalidSlugError. */
export async function readNotebook(dir: string, slug: string): Promise<NotebookFile | null> {
  const text = await readIfExists(fileOf(dir, slug));
  return text === null ? null : { text, hash: hashText(text) };
}

// Saves within this process are serialized per file, so the check and the rename cannot interleave.
const locks = new Map<string, Promise<unknown>>();

function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const result = previous.then(task, task);
  const tail = result.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => {
    if (locks.get(key) === tail) locks.delete(key);
  });
  return result;
}

/** Writes `text` to a temp file beside `file`, flushed to disk; returns its path. */
async function writeTemp(file: string, text: string): Promise<string> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(/* turbopackIgnore: true */ temp, "wx", 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(/* turbopackIgnore: true */ dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}

/**
 * Saves the notebook's canonical text, only if the file still has `expectedHash`
 * (null: the file must not exist yet). Text whose structure cannot be read (an
 * unclosed fence or front matter) is refused with its issues; nothing is written.
 */
export async function saveNotebook(dir: string, slug: string, text: string, expectedHash: string | null): Promise<SaveResult> {
  const file = fileOf(dir, slug);
  const formatted = formatNotebook(text, displayFile(slug));
  if (!formatted.ok) return { ok: false, issues: formatted.issues };
  const canonical = formatted.text;
  return withLock(file, async () => {
    const currentText = await readIfExists(file);
    const currentHash = currentText === null ? null : hashText(currentText);
    if (currentHash !== expectedHash) return { ok: false, conflict: { currentText, currentHash } };
    const temp = await writeTemp(file, canonical);
    try {
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDir(path.dirname(file));
    return { ok: true, hash: hashText(canonical), text: canonical };
  });
}

/** The text of a new notebook. */
export function newNotebookText(title: string): string {
  const frontMatter = stringify({ title }).trimEnd();
  return `---\n${frontMatter}\n---\n\nWhat this notebook is about.\n\n\`\`\`sql first_asset\nselect 42 as answer\n\`\`\`\n`;
}

export class InvalidTitleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTitleError";
  }
}

/** Creates `<dir>/<slug>.md` for `title` with a unique slug (`-2`, `-3`, ... when taken); returns the slug. */
export async function createNotebook(dir: string, title: string): Promise<string> {
  const clean = title.trim();
  if (clean === "" || clean.length > 120 || /[\r\n]/.test(clean)) {
    throw new InvalidTitleError("a title is one line of 1 to 120 characters");
  }
  const base = slugify(clean);
  const text = newNotebookText(clean);
  for (let n = 1; n < 1000; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const file = fileOf(dir, slug);
    const temp = await writeTemp(file, text);
    try {
      // link() fails when the name is taken: creation is atomic and never overwrites.
      await link(temp, file);
      await syncDir(dir);
      return slug;
    } catch (error) {
      if (!isErrno(error, "EEXIST")) throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }
  throw new Error(`no free slug for "${clean}"`);
}

/** Deletes `<dir>/<slug>.md` only if it still has `expectedHash`; false when it changed or is gone. */
export async function deleteNotebook(dir: string, slug: string, expectedHash: string): Promise<boolean> {
  const file = fileOf(dir, slug);
  return withLock(file, async () => {
    const current = await readIfExists(file);
    if (current === null || hashText(current) !== expectedHash) return false;
    await unlink(file);
    await syncDir(dir);
    return true;
  });
}
