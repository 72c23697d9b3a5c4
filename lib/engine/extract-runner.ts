// The extract runner of a server-side host (the CLI, the workers): REST and file sources
// through lib/extract, with the host's secrets, data directory and progress callback.
import type { ExtractContext } from "../extract/run";
import type { ExtractRunner } from "./materialize-cell";

export function extractRunner(context: ExtractContext): ExtractRunner {
  // Loaded on the first extract cell: the HTTP client and the loaders are not needed before.
  return async (cell, warehouse, staging) => (await import("../extract/run")).runExtract(warehouse, cell, { ...context, ...(staging === undefined ? {} : { staging }) });
}
