// Small value grammars shared by the check syntax and the cell configs.

/** Lowercase snake case, at most 63 characters (a portable SQL identifier). */
export const ASSET_NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;
export const ASSET_NAME_MAX_LENGTH = 63;

export function isAssetName(name: string): boolean {
  return ASSET_NAME_PATTERN.test(name) && name.length <= ASSET_NAME_MAX_LENGTH;
}

export const ASSET_NAME_RULE = "lowercase letters, digits and underscores, not starting with a digit, at most 63 characters";

/** A schema an asset is placed in (`schema: staging`): a plain lowercase identifier. */
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,39}$/;

/** Why a name cannot be a schema for assets (null: it can). */
export function schemaNameProblem(name: string): string | null {
  if (!SCHEMA_NAME_PATTERN.test(name)) return `a schema is 1-40 lowercase letters, digits and underscores, not starting with a digit, got "${name}"`;
  if (name.startsWith("_assetbook") || name.startsWith("env__") || name.startsWith("pg_") || name === "information_schema" || name === "temp") {
    return `"${name}" is reserved (Assetbook's own schemas, environments', and the database's)`;
  }
  return null;
}

/** A table reference, optionally qualified: `events`, `raw.events`. */
export const TABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$/;

/** A column name as written in checks: an identifier or a double-quoted name. */
export function parseColumnName(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(trimmed)) return trimmed;
  const quoted = /^"((?:[^"]|"")+)"$/.exec(trimmed);
  return quoted?.[1]?.replaceAll('""', '"');
}

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `15m`, `24h`, `7d` (or a bare number of seconds) -> seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] || "s";
  return Number(match[1]) * (SECONDS_PER_UNIT[unit] ?? 1);
}

/** `secret:NAME` references a secret; NAME is an environment-variable style name. */
export const SECRET_PATTERN = /^secret:[A-Za-z_][A-Za-z0-9_]*$/;
