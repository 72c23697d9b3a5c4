// How current an asset is, from its last production materialization.
import type { MaterializationView } from "./materializations";

export const FRESHNESS = ["fresh", "stale", "failed", "never"] as const;
export type Freshness = (typeof FRESHNESS)[number];

/** Fresh: last write succeeded within `maxAgeMs` (default 24 h); stale: older; failed: the last write failed. */
export function freshnessOf(last: Pick<MaterializationView, "status" | "createdAt"> | null, now: Date, maxAgeMs = 24 * 3600_000): Freshness {
  if (!last) return "never";
  switch (last.status) {
    case "failed":
      return "failed";
    case "succeeded":
    case "skipped":
    case "unsupported":
      return now.getTime() - last.createdAt.getTime() <= maxAgeMs ? "fresh" : "stale";
    default: {
      const unreachable: never = last.status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

/** Worst check outcome of a materialization: failing error checks, warnings, or all passed. */
export type CheckState = "passed" | "warn" | "failed" | "none";

export function checkStateOf(checks: readonly { passed: boolean; severity: "error" | "warn" }[]): CheckState {
  if (checks.length === 0) return "none";
  if (checks.some((c) => !c.passed && c.severity === "error")) return "failed";
  if (checks.some((c) => !c.passed)) return "warn";
  return "passed";
}
