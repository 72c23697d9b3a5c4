// Terminal presentation of engine events: one line per asset, then a summary.
import type { AssetOutcome, RunEvent, RunSummary } from "../lib/engine/events";

const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);

/**
 * A whole number with thousands separators (1,234,567). Not toLocaleString: its first call
 * loads ICU's data, about 18 ms of every `assetbook run`.
 */
export function grouped(n: number): string {
  const [whole = "", fraction] = String(n).split(".");
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

function checksSummary(o: AssetOutcome): string {
  if (o.checks.length === 0) return "";
  const passed = o.checks.filter((c) => c.passed).length;
  const warned = o.checks.filter((c) => !c.passed && c.severity === "warn");
  // A warning that says more than its name (a contract's changed columns) says it.
  const warnText = warned.length > 0 ? yellow(`, warn: ${warned.map((c) => (c.error ? `${c.check} (${c.error})` : c.check)).join(", ")}`) : "";
  return `, checks ${passed}/${o.checks.length} passed${warnText}`;
}

export function formatOutcome(o: AssetOutcome): string {
  switch (o.status) {
    case "succeeded":
      return `${green("OK  ")} ${o.asset} ${dim(`(${o.kind})`)} ${grouped(o.rows ?? 0)} row${o.rows === 1 ? "" : "s"} in ${seconds(o.durationMs)}${checksSummary(o)}${o.note === undefined ? "" : dim(` (${o.note})`)}`;
    case "failed":
      return `${red("FAIL")} ${o.asset} ${dim(`(${o.kind})`)} after ${seconds(o.durationMs)}: ${o.reason ?? "unknown error"}${checksSummary(o)}`;
    case "skipped":
      return `${yellow("SKIP")} ${o.asset} ${dim(`(${o.kind})`)}: ${o.reason ?? ""}`;
    case "cancelled":
      return `${yellow("STOP")} ${o.asset} ${dim(`(${o.kind})`)}: ${o.reason ?? "cancelled"}`;
    case "unsupported":
      return `${yellow("TODO")} ${o.asset} ${dim(`(${o.kind})`)}: cell "${o.asset}": ${o.reason ?? "not supported"}`;
    default: {
      const unreachable: never = o.status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

export function formatProgress(p: { asset: string; pages: number; rows: number; elapsedMs: number }): string {
  const perSecond = p.elapsedMs > 0 ? Math.round((p.rows / p.elapsedMs) * 1000) : 0;
  const count = (n: number, what: string) => `${grouped(n)} ${what}${n === 1 ? "" : "s"}`;
  return dim(`...  ${p.asset}: ${count(p.pages, "page")}, ${count(p.rows, "row")}, ${grouped(perSecond)} rows/s`);
}

const PROGRESS_EVERY_MS = 2000;

/**
 * Prints one line per finished asset. Extract progress is redrawn in place on a terminal,
 * and printed at most every two seconds elsewhere (CI logs stay short).
 */
export function progressPrinter(write: (line: string) => void, tty = Boolean(process.stdout.isTTY)): (e: RunEvent) => void {
  let lastProgress = -Infinity;
  let progressShown = false;
  /** The newest progress not printed yet (throttled): printed before its asset's outcome, so a log ends on the true count. */
  let unprinted: Extract<RunEvent, { type: "asset_progress" }> | null = null;
  const clearProgress = () => {
    if (tty && progressShown) process.stdout.write("\r\x1b[2K");
    progressShown = false;
  };
  return (e) => {
    switch (e.type) {
      case "asset_progress":
        if (tty) {
          process.stdout.write(`\r\x1b[2K${formatProgress(e)}`);
          progressShown = true;
        } else if (e.elapsedMs - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = e.elapsedMs;
          unprinted = null;
          write(formatProgress(e));
        } else {
          unprinted = e;
        }
        return;
      case "run_started":
        write(dim(`run ${e.runId}: ${e.assets.length} asset${e.assets.length === 1 ? "" : "s"} (${e.assets.join(", ")})`));
        return;
      case "asset_started":
        return;
      case "asset_finished":
        clearProgress();
        if (unprinted !== null && unprinted.asset === e.outcome.asset) write(formatProgress(unprinted));
        unprinted = null;
        lastProgress = -Infinity;
        write(formatOutcome(e.outcome));
        return;
      case "run_finished":
        return;
      default: {
        const unreachable: never = e;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  };
}

export function formatSummary(s: Pick<RunSummary, "outcomes" | "durationMs" | "ok">): string {
  const count = (status: AssetOutcome["status"]) => s.outcomes.filter((o) => o.status === status).length;
  const parts = [`${count("succeeded")} succeeded`, `${count("failed")} failed`, `${count("skipped")} skipped`];
  if (count("unsupported") > 0) parts.push(`${count("unsupported")} not yet supported`);
  const line = `${parts.join(", ")} in ${seconds(s.durationMs)}`;
  return s.ok ? green(`Done: ${line}`) : red(`Not done: ${line}`);
}
