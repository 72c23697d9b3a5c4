import { z } from "zod";
import { freshnessSchema, runRetriesSchema, schemaNameSchema, tableNameSchema, timeoutSchema } from "./common";
import { partitionsSchema } from "./partitions";
import { paramsSchema } from "../params";
import { REFRESH_POLICIES, scheduleSchema, tagSchema } from "./run-keys";

export const frontMatterSchema = z.looseObject({
  title: z.string().optional(),
  owners: z.array(z.string()).optional(),
  schedule: scheduleSchema.optional(),
  /** Defaults for every asset cell of the notebook. */
  refresh: z.enum(REFRESH_POLICIES).optional(),
  /** Concurrency pools every run of the notebook draws from. */
  tags: z.array(tagSchema).optional(),
  /** At most this many runs of the notebook at once. */
  concurrency: z.number().int().positive().optional(),
  external: z.array(tableNameSchema).optional(),
  /** The schema every asset of the notebook is placed in (a cell may name its own). */
  schema: schemaNameSchema.optional(),
  /** The notebook's partitions: every run materializes one of them. */
  partitions: partitionsSchema.optional(),
  /** Run defaults for every asset: retries, a per-attempt timeout, and a timeout for the whole run. */
  retries: runRetriesSchema.optional(),
  timeout: timeoutSchema.optional(),
  run_timeout: timeoutSchema.optional(),
  /** The editor marks cells below an edit stale instead of rerunning them. */
  lazy: z.boolean().optional(),
  /** The freshness policy of every asset of the notebook that sets none of its own. */
  freshness: freshnessSchema.optional(),
  /** Run parameters: typed, set when a run starts, read as `{{ params.name }}`. */
  params: paramsSchema.optional(),
});
