// What a production run's end raises and clears. Pure: the run, its outcomes, and what the
// catalog knows of the notebook and the assets (owners, tags).
//
//   run_failed      key: the notebook           cleared by its next run that succeeds
//   asset_failed    key: the asset              cleared when the asset next succeeds
//   check_failed    key: <asset>:<check>        cleared when the check next passes
//   schema_changed  key: the asset              a contract (`-- contract:`) saw changed columns; cleared when it passes
//   run_too_long    key: the run                raised by the scheduler while it runs (AlertService.longRuns); cleared when it ends
import type { AlertClear, AlertEvent, AlertFact, AlertSubject } from "./events";

export interface EndedRun {
  id: string;
  notebook: string | null;
  /** The notebook's front matter `owners` and `tags` (empty when the run failed before reading it). */
  owners: readonly string[];
  tags: readonly string[];
  status: "succeeded" | "failed";
  /** Why it failed. */
  error: string | null;
  at: Date;
  durationSeconds: number;
  outcomes: readonly {
    asset: string;
    /** Only failed and succeeded raise or clear; the others (skipped, cancelled, unsupported) say nothing new. */
    status: string;
    reason?: string;
    partition?: string;
    checks: readonly { check: string; severity: "error" | "warn"; passed: boolean; failures: number; sample: readonly Record<string, unknown>[]; error?: string }[];
  }[];
}

export interface Subjects {
  notebookOwners: readonly string[];
  notebookTags: readonly string[];
  asset(name: string): { owners: readonly string[]; tags: readonly string[] } | undefined;
}

export interface RunAlerts {
  raise: AlertEvent[];
  clear: AlertClear[];
}

const CONTRACT_CHECK = "contract";

function sampleRows(rows: readonly Record<string, unknown>[]): Record<string, AlertFact>[] {
  const fact = (value: unknown): AlertFact =>
    value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : typeof value === "bigint" ? Number(value) : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, fact(value)])));
}

export function runAlerts(run: EndedRun, subjects: Subjects): RunAlerts {
  const raise: AlertEvent[] = [];
  const clear: AlertClear[] = [];
  const notebook = run.notebook ?? undefined;
  const link = `/runs/${run.id}`;
  const notebookSubject: AlertSubject = {
    ...(notebook === undefined ? {} : { notebook }),
    owners: [...new Set([...run.owners, ...subjects.notebookOwners])],
    tags: [...new Set([...run.tags, ...subjects.notebookTags])],
  };
  const assetSubject = (asset: string): AlertSubject => {
    const known = subjects.asset(asset);
    return { ...notebookSubject, asset, owners: [...new Set([...notebookSubject.owners, ...(known?.owners ?? [])])], tags: [...new Set([...notebookSubject.tags, ...(known?.tags ?? [])])] };
  };
  const runKey = notebook ?? run.id;
  // However it ended, it is not running long any more.
  clear.push({ type: "run_too_long", key: run.id, title: `Run of ${notebook ?? "a notebook"} is taking long`, at: run.at });
  if (run.status === "failed") {
    raise.push({
      type: "run_failed",
      key: runKey,
      title: `Run of ${notebook ?? "a notebook"} failed`,
      at: run.at,
      subject: notebookSubject,
      facts: { run: run.id, notebook: notebook ?? null, error: run.error, duration_s: run.durationSeconds },
      link,
    });
  } else {
    clear.push({ type: "run_failed", key: runKey, title: `Run of ${notebook ?? "a notebook"} failed`, at: run.at });
  }
  for (const outcome of run.outcomes) {
    const asset = outcome.asset;
    const title = `${asset} failed`;
    if (outcome.status === "failed") {
      raise.push({ type: "asset_failed", key: asset, title, at: run.at, subject: assetSubject(asset), facts: { asset, run: run.id, reason: outcome.reason ?? null, partition: outcome.partition ?? null }, link: `/catalog/${encodeURIComponent(asset)}` });
    } else if (outcome.status === "succeeded") {
      clear.push({ type: "asset_failed", key: asset, title, at: run.at });
    }
    for (const check of outcome.checks) {
      const contract = check.check === CONTRACT_CHECK;
      const type = contract ? "schema_changed" : "check_failed";
      const key = contract ? asset : `${asset}:${check.check}`;
      const checkTitle = contract ? `The columns of ${asset} changed` : `Check ${check.check} on ${asset} failed`;
      if (check.passed) {
        clear.push({ type, key, title: checkTitle, at: run.at });
        continue;
      }
      raise.push({
        type,
        key,
        title: check.severity === "warn" ? `${checkTitle} (warning)` : checkTitle,
        at: run.at,
        subject: assetSubject(asset),
        facts: { asset, check: check.check, severity: check.severity, failing_rows: check.failures, error: check.error ?? null, run: run.id },
        link: `/catalog/${encodeURIComponent(asset)}`,
        samples: sampleRows(check.sample),
      });
    }
  }
  return { raise, clear };
}
