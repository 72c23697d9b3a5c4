import { z } from "zod";
import { tableNameSchema } from "./common";
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
});
