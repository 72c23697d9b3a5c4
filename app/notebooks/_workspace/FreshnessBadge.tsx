// The header's word on freshness: how many of the notebook's assets are late or overdue
// under their policies (as the scheduler last evaluated them), each named in the tooltip
// and linking to the first such asset's page; "fresh" when every policy is met.
import Link from "next/link";
import type { FreshnessState } from "@/lib/schedule/freshness";

export interface NotebookFreshness {
  asset: string;
  state: FreshnessState;
  /** ISO instant the state began. */
  since: string;
}

export function FreshnessBadge({ freshness }: { freshness: readonly NotebookFreshness[] }) {
  if (freshness.length === 0) return null;
  const behind = freshness.filter((f) => f.state !== "fresh");
  const count = (state: FreshnessState) => behind.filter((f) => f.state === state).length;
  const worst = count("overdue") > 0 ? "overdue" : count("late") > 0 ? "late" : "fresh";
  const label = behind.length === 0 ? "Fresh" : [count("overdue") > 0 ? `${count("overdue")} overdue` : "", count("late") > 0 ? `${count("late")} late` : ""].filter(Boolean).join(" · ");
  const title = freshness.map((f) => `${f.asset}: ${f.state} since ${f.since.replace("T", " ").slice(0, 16)} UTC`).join("\n");
  const target = behind[0]?.asset ?? freshness[0]?.asset ?? "";
  return (
    <Link href={`/catalog/${encodeURIComponent(target)}`} className="nb-freshness" data-state={worst} data-testid="notebook-freshness" title={title}>
      {label}
    </Link>
  );
}
