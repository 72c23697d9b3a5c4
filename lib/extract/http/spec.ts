// The request side of a REST extract cell: what to fetch, how to page, how to authenticate.
// Paginator and auth shapes are shared with the notebook parser so one schema rules both.
import { z } from "zod";
import { authSchema, paginatorSchema } from "../../notebook/schemas/extract";
import { durationSchema, httpUrlSchema, secretOrStringSchema } from "../../notebook/schemas/common";

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_SECONDS = 1;
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_PAGE_LIMIT = 10_000;

const positiveInt = z.number().int().min(1);


export const paramValueSchema = z.union([secretOrStringSchema, z.number(), z.boolean()]);

export const retriesSchema = z
  .object({
    max_attempts: positiveInt.default(DEFAULT_MAX_ATTEMPTS),
    backoff: durationSchema.default(DEFAULT_BACKOFF_SECONDS),
  })
  .prefault({});

/**
 * Not strict: a whole extract cell config may be passed in; keys that are not about
 * the request (primary_key, incremental, ...) are dropped.
 */
export const restRequestSpecSchema = z.object({
  base_url: httpUrlSchema,
  path: z.string().optional(),
  params: z.record(z.string(), paramValueSchema).default({}),
  headers: z.record(z.string(), secretOrStringSchema).default({}),
  data_path: z.string().min(1).optional(),
  paginator: paginatorSchema.default({ type: "single" }),
  auth: authSchema.optional(),
  retries: retriesSchema,
  timeout: durationSchema.default(DEFAULT_TIMEOUT_SECONDS),
  page_limit: positiveInt.default(DEFAULT_PAGE_LIMIT),
});

/** A spec with every default filled in. */
export type RestRequestSpec = z.output<typeof restRequestSpecSchema>;
/** A spec as written in a notebook (defaults optional, durations may be `30s`). */
export type RestRequestSpecInput = z.input<typeof restRequestSpecSchema>;
export type PaginatorSpec = RestRequestSpec["paginator"];
export type AuthSpec = NonNullable<RestRequestSpec["auth"]>;
export type ParamValue = z.output<typeof paramValueSchema>;

export class InvalidRestSpecError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid rest extract spec: ${issues.join("; ")}`);
    this.name = "InvalidRestSpecError";
  }
}

/** Parse and fill defaults; throws InvalidRestSpecError naming each bad field. */
export function parseRestRequestSpec(config: unknown): RestRequestSpec {
  const result = restRequestSpecSchema.safeParse(config);
  if (result.success) return result.data;
  throw new InvalidRestSpecError(
    result.error.issues.map((issue) => `${issue.path.join(".") || "(spec)"}: ${issue.message}`),
  );
}
