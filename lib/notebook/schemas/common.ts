// Pieces shared by the cell schemas.
import { z } from "zod";
import { runKeys } from "./run-keys";
import { isAssetName, parseDuration, SECRET_PATTERN, ASSET_NAME_RULE, TABLE_NAME_PATTERN } from "../values";

export const assetNameSchema = z
  .string()
  .refine(isAssetName, { message: `not a valid asset name (${ASSET_NAME_RULE})` });

/** A table read by a cell: an asset name, or a qualified external table. */
export const tableNameSchema = z.string().regex(TABLE_NAME_PATTERN, { message: "not a valid table name" });

/** A string that may be `secret:NAME`; a malformed secret reference is an error. */
export const secretOrStringSchema = z
  .string()
  .refine((s) => !s.startsWith("secret:") || SECRET_PATTERN.test(s), {
    message: "a secret reference is secret:NAME (letters, digits, underscores)",
  });

/** Seconds as a number, or a duration string (`30s`, `15m`, `24h`, `7d`); parsed to seconds. */
export const durationSchema = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: "custom", message: `expected seconds or a duration like 30s, 15m, 24h, 7d, got "${value}"` });
    return z.NEVER;
  }
  return seconds;
});

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

/** A check item in YAML: a check-list string, or `check <name>: <sql>` (a one-key mapping). */
export const checkItemSchema = z.union([z.string(), z.record(z.string(), z.string())]);

/** Keys every asset cell may carry, whatever its kind. */
export const commonCellKeys = {
  description: z.string().optional(),
  deps: oneOrMany(assetNameSchema).optional(),
  checks: oneOrMany(checkItemSchema).optional(),
  warn: oneOrMany(checkItemSchema).optional(),
  ...runKeys,
};

export const COMMON_CELL_KEY_NAMES = Object.keys(commonCellKeys);
