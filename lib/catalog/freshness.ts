// How current an asset is: under its freshness policy, the state the scheduler last
// evaluated (fresh, late, overdue: lib/catalog/freshness-states.ts); without one, from its
// last production materialization.
import type { FreshnessState } from "../schedule/freshness";
import type { MaterializationView } from "./materializations";

export const FRESHNESS = ["fresh", "late", "overdue", "stale", "failed", "never"] as const;
export type Freshness = (typeof FRESHNESS)[number];

/**
 * The policy's state when the asset has one. Else fresh: last write succeeded within
 * `maxAgeMs` (default 24 h); stale: older; failed: the last write failed.
 */
export function freshnessOf(last: Pick<MaterializationView, "status" | "createdAt"> | null, now: Date, policyState: FreshnessState | null = null, maxAgeMs = 24 * 3600_000): Freshness {
  if (policyState !== null) return policyState;
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
