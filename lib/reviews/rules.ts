// A review's rules, pure: the workspace's policy with its defaults, whose verdicts count on
// the current revision, and whether the review may be promoted (and if not, what is missing).

export interface ReviewPolicySettings {
  /** Null: the default (1 when the workspace has more than one member, else 0). */
  approvals: number | null;
  /** Null: the default (on when the workspace has more than one member). */
  required: boolean | null;
}

export interface ReviewPolicy {
  approvals: number;
  /** Production changes only through an approved review: the plain Promote is closed. */
  required: boolean;
}

export function reviewPolicy(settings: ReviewPolicySettings, members: number): ReviewPolicy {
  const team = members > 1;
  return { approvals: settings.approvals ?? (team ? 1 : 0), required: settings.required ?? team };
}

export type Verdict = "approved" | "changes_requested";

export interface DecisionRecord {
  userId: string;
  revision: number;
  verdict: Verdict;
  at: Date;
}

export interface VerdictState {
  /** Members whose last verdict on the current revision is an approval (the author's never counts). */
  approvedBy: string[];
  /** Members whose last verdict on the current revision asks for changes. */
  changesRequestedBy: string[];
  /** Members who gave a verdict on an earlier revision only: a new revision reset it. */
  resetFor: string[];
}

/** Each member's last verdict on `revision`; verdicts on earlier revisions are reset by the new one. */
export function verdictState(decisions: readonly DecisionRecord[], revision: number, authorId: string): VerdictState {
  const last = new Map<string, DecisionRecord>();
  const earlier = new Set<string>();
  for (const decision of [...decisions].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (decision.revision === revision) last.set(decision.userId, decision);
    else if (decision.revision < revision) earlier.add(decision.userId);
  }
  const current = [...last.values()];
  return {
    approvedBy: current.filter((d) => d.verdict === "approved" && d.userId !== authorId).map((d) => d.userId),
    changesRequestedBy: current.filter((d) => d.verdict === "changes_requested").map((d) => d.userId),
    resetFor: [...earlier].filter((user) => !last.has(user)),
  };
}

export type BuildState = "queued" | "building" | "built" | "failed";

export interface GateInput {
  status: "open" | "promoted" | "abandoned";
  policy: ReviewPolicy;
  verdicts: VerdictState;
  /** The current revision's build. */
  build: BuildState;
  /** Whether the environment still serves the current revision's build (another build, a drop, would change it). */
  buildCurrent: boolean;
  /** What of production moved since the current revision was planned (empty: nothing). */
  moved: { assets: string[]; notebooks: string[] };
}

export type Missing =
  | { kind: "closed"; message: string }
  | { kind: "approvals"; message: string }
  | { kind: "changes_requested"; message: string }
  | { kind: "build"; message: string; rebuild: boolean }
  | { kind: "production_moved"; message: string; rebuild: true };

export type Gate = { ok: true } | { ok: false; missing: Missing[] };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Whether the review may be promoted now; otherwise every reason, each saying what to do. */
export function promoteGate(input: GateInput): Gate {
  if (input.status !== "open") return { ok: false, missing: [{ kind: "closed", message: `the review is ${input.status}` }] };
  const missing: Missing[] = [];
  const approvals = input.verdicts.approvedBy.length;
  if (approvals < input.policy.approvals) {
    missing.push({ kind: "approvals", message: `${plural(input.policy.approvals, "approval")} required, ${approvals} given on this revision (the author's own does not count)` });
  }
  if (input.verdicts.changesRequestedBy.length > 0) {
    missing.push({ kind: "changes_requested", message: `changes requested by ${plural(input.verdicts.changesRequestedBy.length, "reviewer")} on this revision` });
  }
  switch (input.build) {
    case "queued":
    case "building":
      missing.push({ kind: "build", message: `the build is ${input.build}: wait for it to finish`, rebuild: false });
      break;
    case "failed":
      missing.push({ kind: "build", message: "the build failed: fix the notebook and push a revision, or rebuild", rebuild: true });
      break;
    case "built":
      if (!input.buildCurrent) missing.push({ kind: "build", message: "the environment no longer holds this revision's build: rebuild it", rebuild: true });
      break;
    default: {
      const unreachable: never = input.build;
      throw new Error(`unknown build state ${String(unreachable)}`);
    }
  }
  const moved = [...input.moved.notebooks.map((slug) => `notebook ${slug}`), ...input.moved.assets];
  if (moved.length > 0) {
    missing.push({ kind: "production_moved", message: `production moved since this revision was planned (${moved.join(", ")}): rebuild it over production as it is now`, rebuild: true });
  }
  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}
