// Turns a cell's `path` into a file the extract may read: only regular files inside the
// workspace data directory, judged on the real (symlink-resolved) path, not the spelling.
// A link swapped in after this check is still stopped for CSV/Parquet by DuckDB's own
// allowed_directories; the JSON readers open the resolved path, which had no links in it.
import fs from "node:fs";
import path from "node:path";
import { FileSourceError } from "./errors";

export interface ResolvedDataFile {
  /** The real path of the file: no symlinks, inside `dataDir`. */
  file: string;
  /** The data directory, absolute with symlinks resolved. */
  dataDir: string;
  /** The path as the user spelled it, relative to the data directory, for messages. */
  shown: string;
}

/** The real path of `userPath`, a file inside `dataDir`; throws FileSourceError (field "path") otherwise. */
export function resolveDataPath(dataDir: string, userPath: string): string {
  return resolveDataFile(dataDir, userPath).file;
}

export function resolveDataFile(dataDir: string, userPath: string): ResolvedDataFile {
  const fail = (message: string) => new FileSourceError("path", message);
  if (userPath.trim() === "") throw fail("is empty; give a file inside the data directory");
  // Refused outright rather than normalized: a `..` that happens to come back inside is
  // never needed, and saying no is clearer than explaining where it resolved to.
  if (userPath.split(/[\\/]/).includes("..")) throw fail(`"${userPath}" contains ".."; paths must stay inside the data directory`);

  const spelledDir = path.resolve(dataDir);
  const realDir = realDirectory(spelledDir);
  const candidate = path.resolve(spelledDir, userPath);
  // An absolute path may name the data directory by either spelling (macOS /tmp -> /private/tmp).
  const base = [spelledDir, realDir].find((dir) => isInside(dir, candidate));
  if (base === undefined) throw fail(`"${userPath}" is outside the data directory`);
  const shown = path.relative(base, candidate) || ".";

  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch (error) {
    if (isNodeError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) {
      throw fail(`file not found: "${shown}" in the data directory`);
    }
    throw fail(`cannot read "${shown}": ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isInside(realDir, real)) throw fail(`"${shown}" is a symlink (or inside one) that points outside the data directory`);
  if (!fs.statSync(real).isFile()) throw fail(`"${shown}" is not a file`);
  return { file: real, dataDir: realDir, shown };
}

/** Whether `target` is strictly below `dir`; the trailing separator keeps `/data-x` out of `/data`. */
function isInside(dir: string, target: string): boolean {
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return target.startsWith(prefix);
}

function realDirectory(dir: string): string {
  try {
    const real = fs.realpathSync(dir);
    if (fs.statSync(real).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new FileSourceError("path", `the data directory ${dir} does not exist`);
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
