"use client";
// The header's word on production: whether the saved working copy differs from what
// production runs ("3 cells changed since production"), linking to the notebook's Changes
// page (plan, build, diff, promote). Counted in the browser as the file is saved.
import Link from "next/link";
import { useMemo } from "react";
import { cellChanges, describeChanges } from "@/lib/workspace/changes";

interface Props {
  slug: string;
  /** The saved working copy. */
  savedText: string;
  /** Production's text (null: not in production); undefined before the workspace's first promotion. */
  production: { text: string | null } | undefined;
}

export function ProductionStatus({ slug, savedText, production }: Props) {
  const label = useMemo(() => (production === undefined ? null : describeChanges(cellChanges(production.text, savedText), production.text !== null)), [production, savedText]);
  if (label === null) return null;
  const same = label === "Same as production";
  return (
    <Link href={`/notebooks/${slug}/changes`} className="nb-production" data-same={same} data-testid="production-status" title="Plan, build, diff and promote this notebook's changes">
      {label}
      {same ? "" : " →"}
    </Link>
  );
}
