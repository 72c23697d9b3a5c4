// Type guards every module asks of parsed JSON and YAML: one home instead of a copy per file.

/** An object with named members: not null, not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
