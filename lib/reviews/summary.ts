// A review as Markdown, pure: what `assetbook review open --summary FILE` writes for a CI
// step to post as a pull-request comment. The plan, the build with its checks, the data diff
// per asset, what promotion still needs, and the link.
import type { AssetDiff } from "../lifecycle/env-diff";
import type { BuiltOutcome } from "../lifecycle/store";
import type { ReviewView } from "./view";

/** A table cell: pipes and line breaks would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)];
}

const CHANGE: Record<string, string> = { added: "added", removed: "removed", breaking: "**breaking**", non_breaking: "non-breaking", unchanged: "unchanged" };

function checks(outcome: BuiltOutcome): string {
  if (outcome.checks.length === 0) return "—";
  return outcome.checks.map((check) => `${check.passed ? "✓" : check.severity === "warn" ? "⚠" : "✗"} ${check.check}${check.passed ? "" : ` (${check.error ?? `${check.failures} failing row${check.failures === 1 ? "" : "s"}`})`}`).join(", ");
}

function diffLines(asset: string, diff: AssetDiff): string[] {
  if ("error" in diff) return [`**${asset}**: ${diff.error}`, ""];
  const schema = [...diff.schema.added.map((c) => `+${c}`), ...diff.schema.removed.map((c) => `−${c}`), ...diff.schema.retyped.map((c) => `${c.name} ${c.production} → ${c.env}`)];
  const lines = [
    `**${asset}**: rows ${diff.rows.production} → ${diff.rows.env} · ${diff.added} added · ${diff.removed} removed${diff.changed === null ? "" : ` · ${diff.changed} changed`}${schema.length > 0 ? ` · columns ${schema.join(", ")}` : ""}`,
    "",
  ];
  const columns = diff.columns.filter((column) => column.changed > 0);
  if (columns.length > 0) lines.push(`Changed columns: ${columns.map((c) => `${code(c.name)} ${c.changed} (${(c.match * 100).toFixed(1)}% match)`).join(", ")}`, "");
  if (diff.sample.length > 0) {
    lines.push(
      ...table(
        ["Row", "Key", "Production → change"],
        diff.sample.map((row) => [
          row.kind,
          Object.entries(row.key)
            .map(([k, v]) => `${k}=${v ?? "null"}`)
            .join(", ") || "—",
          Object.entries(row.values)
            .map(([k, v]) => `${k}: ${v.production ?? "null"} → ${v.env ?? "null"}`)
            .join("; ") || "—",
        ]),
      ),
      "",
    );
  }
  for (const warning of diff.warnings) lines.push(`> ${warning}`, "");
  return lines;
}

export function reviewSummary(view: ReviewView, url: string): string {
  const { review, current } = view;
  const approvals = view.verdicts.filter((v) => v.current && v.verdict === "approved").length;
  const commit = view.revisions.find((r) => r.number === current.number)?.commit ?? null;
  const source = [review.branch ? `branch ${code(review.branch)}` : null, commit ? `commit ${code(commit.slice(0, 12))}` : null].filter((part) => part !== null);
  const lines = [
    `## Assetbook review #${review.number}: ${review.title}`,
    "",
    `[Open the review](${url}) · revision ${current.number}${source.length > 0 ? ` (${source.join(", ")})` : ""} · build **${current.buildStatus}** · ${approvals} of ${view.policy.approvals} approval${view.policy.approvals === 1 ? "" : "s"} · ${review.status}`,
    "",
    "### Plan",
    "",
  ];
  const shown = current.plan.assets.filter((asset) => asset.change !== "unchanged" || asset.build || asset.metadataChanged);
  if (shown.length === 0) lines.push("Nothing changes in production.", "");
  else lines.push(...table(["Asset", "Notebook", "Change", "Build"], shown.map((a) => [code(a.asset), a.notebook, CHANGE[a.change] ?? a.change, a.build ? (a.reason ?? "rebuilt") : a.change === "removed" ? "dropped on promotion" : "read from production"])), "");

  lines.push("### Build", "");
  if (current.buildError) lines.push("```", current.buildError, "```", "");
  if (current.outcomes.length === 0) lines.push(current.buildStatus === "built" ? "Nothing to build." : `The build is ${current.buildStatus}.`, "");
  else lines.push(...table(["Asset", "Status", "Rows", "Checks"], current.outcomes.map((o) => [`${code(o.asset)}${o.partition ? ` (${o.partition})` : ""}`, `${o.status}${o.reason ? `: ${o.reason}` : ""}`, o.rows === undefined ? "—" : String(o.rows), checks(o)])), "");

  lines.push("### Data diff", "");
  if (current.buildStatus !== "built" || current.diff === null) lines.push("Not computed: the build has not succeeded.", "");
  else if (Object.keys(current.diff).length === 0) lines.push("No table changes.", "");
  else for (const [asset, diff] of Object.entries(current.diff)) lines.push(...diffLines(asset, diff));

  lines.push("### Promotion", "");
  if (view.gate.ok) lines.push("Ready: approved, built, and production has not moved.");
  else for (const missing of view.gate.missing) lines.push(`- ${missing.message}`);
  return `${lines.join("\n").trimEnd()}\n`;
}
