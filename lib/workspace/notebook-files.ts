// The one notebook source: which files in the notebooks directory are notebooks (one slug
// rule, slug.ts), and listing, reading (with a content hash), saving atomically in canonical
// form with conflict detection, creating and deleting them. Every host goes through here:
// the editor, the catalog sync, schedules, run triggers and the command line.
import { createHash, randomBytes } from "node:crypto";
import { link, open, readdir, readFile, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { formatIssue, formatNotebook, formatSize, MAX_NOTEBOOK_BYTES, parseNotebook, type NotebookIssue } from "../notebook";
import { assertSlug, isSlug, slugify, SLUG_RULE } from "./slug";
import { WORKSPACE_FILE } from "../notebook/workspace-file";

export interface NotebookSummary {
  slug: string;
  /** Path as shown to users, e.g. `notebooks/rides.md`. */
  file: string;
  /** The front matter `title`, or the slug. */
  title: string;
  /** Why the notebook cannot be used as it is (its first issue, with file and line); absent when it parses. */
  problem?: string;
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

export interface IgnoredFile {
  file: string;
  reason: string;
  /** Set when the name is a notebook's but the file cannot be read (too large, not a file, no access). */
  slug?: string;
}

export interface NotebookDir {
  /** Sorted by slug. */
  notebooks: NotebookText[];
  /** The workspace file's text (assetbook.yml in the folder), null when there is none. */
  workspace: string | null;
  /** `.md` files not read as notebooks, with the reason: a name that is not a notebook's, or a notebook file that cannot be read. */
  ignored: IgnoredFile[];
}

async function fileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(/* turbopackIgnore: true */ dir)).sort();
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

/**
 * Every notebook in `dir` with its text; a missing folder has none. One file that cannot be
 * read (larger than MAX_NOTEBOOK_BYTES, a directory, no access) is named in `ignored` and the
 * others are read: no notebook can make the listing fail. A file over the limit is not read whole.
 */
export async function readNotebookDir(dir: string): Promise<NotebookDir> {
  const result: NotebookDir = { notebooks: [], workspace: null, ignored: [] };
  const names = await fileNames(dir);
  if (names.includes(WORKSPACE_FILE)) {
    const read = await readBounded(path.join(/* turbopackIgnore: true */ dir, WORKSPACE_FILE));
    if (read.kind === "text") result.workspace = read.text;
    else if (read.kind === "refused") result.ignored.push({ file: `notebooks/${WORKSPACE_FILE}`, reason: read.reason });
  }
  for (const name of names) {
    if (!name.endsWith(".md") || name.startsWith(".")) continue;
    const slug = slugOfFileName(name);
    if (slug === null) {
      result.ignored.push({ file: `notebooks/${name}`, reason: `not a notebook name: ${SLUG_RULE}, at most 64, then .md` });
      continue;
    }
    const file = displayFile(slug);
    const read = await readBounded(fileOf(dir, slug));
    switch (read.kind) {
      case "text":
        result.notebooks.push({ slug, file, text: read.text });
        break;
      case "gone":
        break;
      case "refused":
        result.ignored.push({ slug, file, reason: read.reason });
        break;
      default: {
        const unreachable: never = read;
        throw new Error(`unknown read ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return result;
}

type BoundedRead = { kind: "text"; text: string } | { kind: "gone" } | { kind: "refused"; reason: string };

/** The 1-based line holding byte `limit` (LF, CR LF and a lone CR end lines, as the parser counts them). */
function lineAtByte(bytes: Uint8Array, limit: number): number {
  let line = 1;
  for (let i = 0; i < limit && i < bytes.length; i++) {
    if (bytes[i] === 10 || (bytes[i] === 13 && bytes[i + 1] !== 10)) line++;
  }
  return line;
}

/** A notebook file's text, read only when it is within MAX_NOTEBOOK_BYTES (a larger one is refused after reading just past the limit, to name the line). */
async function readBounded(file: string): Promise<BoundedRead> {
  let handle: FileHandle;
  try {
    handle = await open(/* turbopackIgnore: true */ file, "r");
  } catch (error) {
    if (isErrno(error, "ENOENT")) return { kind: "gone" };
    return { kind: "refused", reason: `cannot be read (${errorCode(error)})` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: "refused", reason: "not a file" };
    if (info.size > MAX_NOTEBOOK_BYTES) {
      const head = new Uint8Array(MAX_NOTEBOOK_BYTES + 1);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const line = lineAtByte(head.subarray(0, bytesRead), MAX_NOTEBOOK_BYTES);
      return { kind: "refused", reason: `line ${line}: the notebook is larger than ${formatSize(MAX_NOTEBOOK_BYTES)} (${info.size} bytes; it passes the limit at this line); split it into smaller notebooks` };
    }
    return { kind: "text", text: await handle.readFile("utf8") };
  } catch (error) {
    return { kind: "refused", reason: `cannot be read (${errorCode(error)})` };
  } finally {
    await handle.close();
  }
}

/** The errno code, never the message (it holds the server's path). */
function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "error";
}

// Parsed summaries by file and content hash: the home page lists every notebook on each
// load, and an unchanged file is not parsed again. Bounded; the oldest entry goes first.
const summaries = new Map<string, Pick<NotebookSummary, "title" | "problem">>();
const MAX_SUMMARIES = 512;

function summaryOf(slug: string, file: string, text: string): NotebookSummary {
  const key = `${file}\n${hashText(text)}`;
  let known = summaries.get(key);
  if (known === undefined) {
    known = describe(slug, file, text);
    summaries.set(key, known);
    for (const oldest of summaries.keys()) {
      if (summaries.size <= MAX_SUMMARIES) break;
      summaries.delete(oldest);
    }
  }
  return { slug, file, ...known };
}

function describe(slug: string, file: string, text: string): Pick<NotebookSummary, "title" | "problem"> {
  try {
    const parsed = parseNotebook(text, file);
    const title = parsed.notebook?.frontMatter.title;
    const first = parsed.ok ? undefined : parsed.issues[0];
    return { title: typeof title === "string" && title.trim() !== "" ? title : slug, ...(first ? { problem: formatIssue(first) } : {}) };
  } catch (error) {
    // The parser reports problems rather than throw; if it ever does, this notebook is the one listed as broken.
    return { title: slug, problem: `${file}: cannot be parsed (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * The notebooks in `dir`, sorted by title. A missing folder is an empty list. A notebook
 * that does not parse, or cannot be read, is listed by its slug with its `problem`.
 */
export async function listNotebooks(dir: string): Promise<NotebookSummary[]> {
  const { notebooks, ignored } = await readNotebookDir(dir);
  const listed = notebooks.map(({ slug, file, text }) => summaryOf(slug, file, text));
  for (const { slug, file, reason } of ignored) if (slug !== undefined) listed.push({ slug, file, title: slug, problem: `${file}: ${reason}` });
  return listed.sort((a, b) => a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug));
}

/**
 * A cheap stamp of the notebooks in `dir`: each `.md` file's name, size, modification and
 * change times and inode (a save renames a new file in place). Equal stamps: nothing to re-read.
 */
export async function notebookDirStamp(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const name of await fileNames(dir)) {
    if (!name.endsWith(".md") || name.startsWith(".")) continue;
    try {
      const info = await stat(/* turbopackIgnore: true */ path.join(/* turbopackIgnore: true */ dir, name), { bigint: true });
      parts.push(`${name}:${info.size}:${info.mtimeNs}:${info.ctimeNs}:${info.ino}`);
    } catch {
      parts.push(`${name}:unreadable`);
    }
  }
  return parts.join("\n");
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
  // YAML would write it as an escape; the notebook would then not parse (lib/notebook refuses NUL in values).
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(clean)) {
    throw new InvalidTitleError("a title cannot hold a NUL or other control character");
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
