// `partitions:` in the front matter: time windows (hourly, daily, weekly, monthly from a
// start date, in a time zone), a static list of keys, or two or more named dimensions of
// those. Parsed here, once; lib/partitions computes windows and values from the result.
import { z } from "zod";
import { timeZoneSchema } from "./run-keys";

export const timePartitionsSchema = z.strictObject({
  type: z.enum(["hourly", "daily", "weekly", "monthly"]),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, "start is YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
  timezone: timeZoneSchema.default("UTC"),
});
export type TimePartitionsDef = z.infer<typeof timePartitionsSchema>;

const staticPartitionsSchema = z.strictObject({ type: z.literal("static"), keys: z.array(z.string().regex(/^[A-Za-z0-9_.:-]+$/, "a partition key is letters, digits, _ . : -")).min(1) });
const dimensionSchema = z.discriminatedUnion("type", [timePartitionsSchema, staticPartitionsSchema]);
export type DimensionDef = z.infer<typeof dimensionSchema>;

const RESERVED = ["key", "start", "end", "type"];
const dimensionName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, "a dimension's name is lowercase letters, digits and underscores")
  .refine((name) => !RESERVED.includes(name), { message: `a dimension cannot be named ${RESERVED.join(", ")}` });
const dimensionsSchema = z
  .record(dimensionName, dimensionSchema)
  .refine((dims) => Object.keys(dims).length >= 2, { message: "partitions are one definition with a type, or two or more named dimensions" })
  .refine((dims) => Object.values(dims).filter((d) => d.type !== "static").length <= 1, { message: "at most one dimension is a time window" })
  .transform((dims) => ({ type: "dimensions" as const, dimensions: Object.entries(dims).map(([name, def]) => ({ name, def })) }));

export type PartitionsDef = DimensionDef | z.output<typeof dimensionsSchema>;

/** One definition has a `type`; named dimensions do not: told apart first, so an error names the right key. */
export const partitionsSchema = z.unknown().transform((value, ctx): PartitionsDef => {
  const schema = typeof value === "object" && value !== null && "type" in value ? dimensionSchema : dimensionsSchema;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") for (const key of issue.keys) ctx.addIssue({ code: "custom", message: `unknown key "${key}"`, path: [...issue.path, key], input: value });
    else if (issue.code === "invalid_key") ctx.addIssue({ code: "custom", message: issue.issues[0]?.message ?? issue.message, path: issue.path, input: value });
    else ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input: value });
  }
  return z.NEVER;
});
