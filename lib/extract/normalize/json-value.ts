// Type guards over parsed JSON (and the page path's records, which may hold Dates): one home
// for "is this a record" and "is this a list", which flatten, the row key and the SQL path's
// planners all ask.

import { isRecord } from "../../guards";

/** An object that is a record: not null, not a list, not a Date. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && !(value instanceof Date);
}

export function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
