// Schema change detection (`-- contract: freeze | warn` on a SQL cell): the output columns
// and types of a new build against the last materialization. Pure; reported as a check.
import type { SqlContractLevel } from "../notebook/types";
import type { Column } from "../warehouse/types";
import type { CheckResult } from "./run";

export interface SchemaChanges {
  added: Column[];
  removed: Column[];
  retyped: { name: string; from: string; to: string }[];
}

/** What changed from `before` to `after`, by column name (case-insensitive), in `after`'s and `before`'s order. */
export function schemaChanges(before: readonly Column[], after: readonly Column[]): SchemaChanges {
  const key = (name: string) => name.toLowerCase();
  const old = new Map(before.map((column) => [key(column.name), column]));
  const now = new Map(after.map((column) => [key(column.name), column]));
  return {
    added: after.filter((column) => !old.has(key(column.name))),
    removed: before.filter((column) => !now.has(key(column.name))),
    retyped: after.flatMap((column) => {
      const previous = old.get(key(column.name));
      return previous !== undefined && previous.type !== column.type ? [{ name: column.name, from: previous.type, to: column.type }] : [];
    }),
  };
}

export function describeSchemaChanges(changes: SchemaChanges): string {
  const parts = [
    ...changes.removed.map((column) => `removed ${column.name} (${column.type})`),
    ...changes.added.map((column) => `added ${column.name} (${column.type})`),
    ...changes.retyped.map((change) => `${change.name} ${change.from} -> ${change.to}`),
  ];
  return parts.join(", ");
}

export const CONTRACT_CHECK = "contract";

/**
 * The contract as a check result: passed when nothing changed (or nothing was materialized
 * before, when the first build defines the schema); `freeze` fails the build, `warn` reports.
 */
export function contractResult(level: SqlContractLevel, before: readonly Column[] | null, after: readonly Column[]): CheckResult {
  const severity = level === "freeze" ? "error" : "warn";
  const changes = before === null ? null : schemaChanges(before, after);
  const count = changes === null ? 0 : changes.added.length + changes.removed.length + changes.retyped.length;
  if (changes === null || count === 0) return { check: CONTRACT_CHECK, severity, passed: true, failures: 0, sample: [] };
  return {
    check: CONTRACT_CHECK,
    severity,
    passed: false,
    failures: count,
    sample: [],
    error: `the output columns changed since the last materialization (contract: ${level}): ${describeSchemaChanges(changes)}`,
  };
}
