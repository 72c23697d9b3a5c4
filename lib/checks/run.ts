import type { Check, Severity } from "../notebook/types";
import type { Row, Warehouse } from "../warehouse/types";
import { checkLabel, failingRowsSql } from "./sql";

export interface CheckResult {
  check: string;
  severity: Severity;
  passed: boolean;
  /** Number of failing rows (0 when passed). */
  failures: number;
  /** Up to five failing rows, for the error message. */
  sample: Row[];
  /** Why it failed when that is not failing rows: the check could not run (bad column, bad SQL; failures 0), or the contract's changes. */
  error?: string;
}

const SAMPLE_SIZE = 5;

/** Runs every check against `table` (normally the staging table) and reports each one. */
export async function runChecks(warehouse: Warehouse, table: string, checks: Check[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const failing = failingRowsSql(check, table);
    const label = checkLabel(check);
    try {
      const [countRow] = await warehouse.query(`SELECT count(*) AS n FROM (${failing}) AS f`);
      const failures = Number(countRow?.n ?? 0);
      const sample = failures > 0 ? await warehouse.query(`${failing} LIMIT ${SAMPLE_SIZE}`) : [];
      results.push({ check: label, severity: check.severity, passed: failures === 0, failures, sample });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      results.push({ check: label, severity: check.severity, passed: false, failures: 0, sample: [], error: message });
    }
  }
  return results;
}

/** The results that must stop the asset from being swapped in. */
export function blockingFailures(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed && r.severity === "error");
}

export function describeFailure(r: CheckResult): string {
  // A check that failed with a message (the contract) has failures; one that could not run has none.
  if (r.error) return r.failures > 0 ? `check ${r.check} failed: ${r.error}` : `check ${r.check} could not run: ${r.error}`;
  return `check ${r.check} failed: ${r.failures} failing row${r.failures === 1 ? "" : "s"}`;
}
