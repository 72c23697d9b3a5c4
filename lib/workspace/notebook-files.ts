// Notebook files on disk (`<dir>/<slug>.md`): list, read with a content hash, save
// atomically in canonical form with conflict detection, create. Framework-free.
import { createHash, randomBytes } from "node:crypto";
import { link, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { formatNotebook, parseNotebook, type NotebookIssue } from "../notebook";
import { assertSlug, isSlug, slugify } from "./slug";

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

/** The notebooks in `dir` whose file name is a valid slug, sorted by title. A missing folder is an empty list. */
export async function listNotebooks(dir: string): Promise<NotebookSummary[]> {
  let names: string[];
  try {
    names = await readdir(/* turbopackIgnore: true */ dir);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  const slugs = names.filter((name) => name.endsWith(".md")).map((name) => name.slice(0, -3)).filter(isSlug);
  const summaries = await Promise.all(
    slugs.map(async (slug): Promise<NotebookSummary | null> => {
      const text = await readIfExists(fileOf(dir, slug));
      if (text === null) return null;
      const title = parseNotebook(text, displayFile(slug)).notebook?.frontMatter.title;
      return { slug, file: displayFile(slug), title: typeof title === "string" && title.trim() !== "" ? title : slug };
    }),
  );
  return summaries
    .filter((s): s is NotebookSummary => s !== null)
    .sort((a, b) => a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug));
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
