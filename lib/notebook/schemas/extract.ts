import { z } from "zod";
import { commonCellKeys, placementKeys, durationSchema, httpUrlSchema, MAX_TIMEOUT_SECONDS, secretOrStringSchema, timeoutSchema } from "./common";

const positiveInt = z.number().int().min(1);

export const paginatorSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("page_number"),
    page_param: z.string().optional(),
    size_param: z.string().optional(),
    size: positiveInt.optional(),
    start: z.number().int().min(0).optional(),
  }),
  z.strictObject({
    type: z.literal("offset"),
    offset_param: z.string().optional(),
    limit_param: z.string().optional(),
    limit: positiveInt.optional(),
    total_path: z.string().optional(),
  }),
  z.strictObject({ type: z.literal("cursor"), cursor_path: z.string(), cursor_param: z.string() }),
  z.strictObject({ type: z.literal("link_header") }),
  z.strictObject({ type: z.literal("next_url"), next_path: z.string() }),
  z.strictObject({ type: z.literal("single") }),
]);
export const PAGINATOR_TYPES = ["page_number", "offset", "cursor", "link_header", "next_url", "single"] as const;

export const authSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("bearer"), token: secretOrStringSchema }),
  z.strictObject({
    type: z.literal("api_key"),
    name: z.string(),
    value: secretOrStringSchema,
    in: z.enum(["header", "query"]).optional(),
  }),
  z.strictObject({ type: z.literal("basic"), username: secretOrStringSchema, password: secretOrStringSchema }),
  z.strictObject({
    type: z.literal("oauth2_client_credentials"),
    token_url: httpUrlSchema,
    client_id: secretOrStringSchema,
    client_secret: secretOrStringSchema,
    scope: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal("oauth2_refresh_token"),
    token_url: httpUrlSchema,
    client_id: secretOrStringSchema,
    client_secret: secretOrStringSchema.optional(),
    refresh_token: secretOrStringSchema,
  }),
]);
export const AUTH_TYPES = ["bearer", "api_key", "basic", "oauth2_client_credentials", "oauth2_refresh_token"] as const;

const CONTRACT_MODES = ["evolve", "freeze", "discard_row", "discard_value"] as const;

export const incrementalSchema = z.strictObject({
  cursor: z.string().min(1),
  initial: z.union([z.string(), z.number()]).optional(),
  param: z.string().optional(),
  format: z.enum(["iso", "epoch"]).optional(),
  lag: durationSchema.optional(),
});

const REST_ONLY_KEYS = ["connection", "base_url", "params", "headers", "paginator", "auth", "page_limit", "timeout"] as const;

export const extractConfigSchema = z
  .strictObject({
    source: z.enum(["rest", "file"]),
    /** A connection of the workspace file (assetbook.yml): its base_url, auth, headers, params and paginator, under this cell's own. */
    connection: z.string().regex(/^[a-z_][a-z0-9_]*$/, "a connection's name: lower-case letters, digits and _").optional(),
    base_url: httpUrlSchema.optional(),
    path: z.string().optional(),
    format: z.enum(["csv", "json", "ndjson", "parquet"]).optional(),
    params: z.record(z.string(), z.union([secretOrStringSchema, z.number(), z.boolean()])).optional(),
    headers: z.record(z.string(), secretOrStringSchema).optional(),
    data_path: z.string().min(1).optional(),
    paginator: paginatorSchema.optional(),
    auth: authSchema.optional(),
    primary_key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    write_disposition: z.enum(["append", "replace", "merge"]).optional(),
    incremental: incrementalSchema.optional(),
    contract: z.strictObject({ columns: z.enum(CONTRACT_MODES).optional(), data_type: z.enum(CONTRACT_MODES).optional() }).optional(),
    retries: z.strictObject({ max_attempts: positiveInt.max(100).optional(), backoff: durationSchema.pipe(z.number().max(MAX_TIMEOUT_SECONDS)).optional() }).optional(),
    max_depth: z.number().int().min(0).optional(),
    page_limit: positiveInt.optional(),
    timeout: timeoutSchema.optional(),
    /** A file sensor: a new or changed file in the data directory matching `files` starts a production run (with its path as the run parameter `param`). */
    sensor: z
      .strictObject({
        files: z
          .string()
          .min(1)
          .refine((glob) => !glob.split(/[\\/]/).includes("..") && !glob.startsWith("/"), { message: "a pattern inside the data directory (no .., not absolute)" }),
        param: z.string().regex(/^[a-z_][a-z0-9_]*$/, "a run parameter's name").optional(),
      })
      .optional(),
    ...commonCellKeys,
    ...placementKeys,
  })
  .superRefine((config, ctx) => {
    if (config.write_disposition === "merge" && config.primary_key === undefined) {
      ctx.addIssue({ code: "custom", path: ["write_disposition"], message: "merge requires primary_key" });
    }
    if (config.source === "rest" && config.base_url === undefined && config.connection === undefined) {
      ctx.addIssue({ code: "custom", path: ["source"], message: "a rest source needs base_url (or a connection)" });
    }
    if (config.source === "file") {
      if (config.path === undefined) ctx.addIssue({ code: "custom", path: ["source"], message: "a file source needs path" });
      for (const key of REST_ONLY_KEYS) {
        if (config[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: "only for source: rest" });
      }
    }
  });

export type ExtractSpec = z.infer<typeof extractConfigSchema>;
