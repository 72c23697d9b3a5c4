import { z } from "zod";
import { tableNameSchema } from "./common";

/** Five cron fields: minute hour day-of-month month day-of-week. */
const cronSchema = z
  .string()
  .refine((s) => s.trim().split(/\s+/).length === 5, { message: "a cron expression has 5 fields: minute hour day month weekday" });

export const frontMatterSchema = z.looseObject({
  title: z.string().optional(),
  owners: z.array(z.string()).optional(),
  schedule: z.strictObject({ cron: cronSchema, timezone: z.string().optional() }).optional(),
  external: z.array(tableNameSchema).optional(),
});
