// Opens a DuckDB instance that user SQL cannot use to reach files outside the workspace
// data directory, the network, or extensions, and cannot unlock again.
//
// Measured on @duckdb/node-api 1.5.6:
// - `allowed_directories` is refused as a DuckDBInstance.create option ("Failed to set
//   config"), and once enable_external_access=false it can no longer be SET ("Cannot
//   change allowed_directories when enable_external_access is disabled"). So it is SET
//   first, then external access is disabled, then the configuration is locked.
// - The other settings work as create options and are passed there.
// - With external access disabled DuckDB itself adds the temp directory to
//   allowed_directories, and the database file and its .wal to allowed_paths.
//   For ':memory:' its default temp directory is `<cwd>/.tmp`, so we give it a private
//   one instead.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { quoteLiteral } from "./types";

export interface DuckDbOpenOptions {
  /** A database file, or ':memory:'. */
  path: string;
  /** The workspace data directory that SQL may read and write; no file access without it. */
  dataDir?: string;
  /** Default '2GB'. */
  memoryLimit?: string;
  threads?: number;
}

export interface LockedDuckDb {
  connection: DuckDBConnection;
  /** The data directory as DuckDB sees it (absolute, symlinks resolved). */
  dataDir?: string;
  /**
   * A private directory DuckDB may read as well, with the data directory: where an extract
   * spools what it fetched for DuckDB's readers. Removed with the instance.
   */
  spoolDir?: string;
  /** Closes the connection and instance and removes what open created. Idempotent. */
  release(): void;
}

export const IN_MEMORY = ":memory:";

/** Files open in this process. DuckDB's file lock is per process: a second instance on
 * the same file in the same process opens without complaint, and two writers would
 * corrupt it. So we refuse that ourselves. */
const openFiles = new Set<string>();

export async function openLockedDuckDb(options: DuckDbOpenOptions): Promise<LockedDuckDb> {
  const inMemory = options.path === IN_MEMORY;
  const filePath = inMemory ? undefined : path.resolve(options.path);
  if (filePath !== undefined && openFiles.has(filePath)) {
    throw new Error(`the database file ${filePath} is already open in this process`);
  }
  const ownedTempDir = inMemory ? fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-duckdb-")) : undefined;
  const createOptions: Record<string, string> = {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    allow_community_extensions: "false",
    memory_limit: options.memoryLimit ?? "2GB",
  };
  if (options.threads !== undefined) createOptions.threads = String(options.threads);
  if (ownedTempDir) createOptions.temp_directory = ownedTempDir;

  const removeTempDir = () => {
    if (ownedTempDir) fs.rmSync(ownedTempDir, { recursive: true, force: true });
  };
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(filePath ?? IN_MEMORY, createOptions);
  } catch (error) {
    removeTempDir();
    throw error;
  }
  if (filePath !== undefined) openFiles.add(filePath);
  let released = false;
  const connection = await instance.connect();
  const dataDir = options.dataDir === undefined ? undefined : canonicalDirectory(options.dataDir);
  // Beside the database file (a killed process's spool is cleared by the next open, which holds
  // the file's lock), or in the in-memory database's own temporary directory.
  const spoolDir = dataDir === undefined ? undefined : canonicalDirectory(freshDirectory(ownedTempDir === undefined ? `${filePath ?? ""}.spool` : path.join(ownedTempDir, "spool")));
  const release = () => {
    if (released) return;
    released = true;
    connection.closeSync();
    instance.closeSync();
    if (filePath !== undefined) openFiles.delete(filePath);
    removeTempDir();
    if (spoolDir !== undefined) fs.rmSync(spoolDir, { recursive: true, force: true });
  };
  try {
    if (dataDir !== undefined && spoolDir !== undefined) await connection.run(`SET allowed_directories = [${quoteLiteral(dataDir)}, ${quoteLiteral(spoolDir)}]`);
    await connection.run("SET enable_external_access = false");
    await connection.run("SET lock_configuration = true");
  } catch (error) {
    release();
    throw error;
  }
  return { connection, dataDir, spoolDir, release };
}

/** An empty directory at `directory`, whatever was there. */
function freshDirectory(directory: string): string {
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(directory, { recursive: true });
  return directory;
}

/** DuckDB compares resolved paths, so a data directory behind a symlink (macOS /tmp) must be resolved too. */
function canonicalDirectory(directory: string): string {
  const absolute = path.resolve(directory);
  try {
    return fs.realpathSync(absolute);
  } catch {
    return absolute;
  }
}
