// The extract runner of a server-side host (the CLI, the workers): REST and file sources
// through lib/extract, with the host's secrets, data directory and progress callback.
import { runExtract, type ExtractContext } from "../extract/run";
import type { ExtractRunner } from "./materialize-cell";

export function extractRunner(context: ExtractContext): ExtractRunner {
  return (cell, warehouse, staging) => runExtract(warehouse, cell, { ...context, ...(staging === undefined ? {} : { staging }) });
}
