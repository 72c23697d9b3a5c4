// The `build_review` job: a worker builds a review's revision into the review's environment
// with the one executor (lib/lifecycle/build.ts), writing each asset's state into the
// revision as it goes (the review page polls it), then the data diff of what changed.
import { z } from "zod";
import type { CatalogDb } from "../catalog";
import type { SqlReferenceParser } from "../graph";
import type { AssetOutcome, RunEvent } from "../engine/events";
import { buildEnvironment } from "../lifecycle/build";
import { environmentDiff } from "../lifecycle/env-diff";
import type { BuiltOutcome } from "../lifecycle/store";
import type { SqlSyntax } from "../lifecycle/syntax";
import { formatIssue } from "../notebook/types";
import type { JobHandler, JsonValue, TaskHandlers } from "../queue/types";
import type { ExtractSources } from "../runs/materialize";
import type { WarehouseLease } from "../warehouse/open";
import { revisionNotebookSchema, setRevisionBuild } from "./store";

export const REVIEW_BUILD_TASK = "build_review";

const payloadSchema = z.object({ reviewId: z.string(), revisionId: z.string() });

export interface ReviewBuildDeps {
  db: CatalogDb;
  openWarehouse(): Promise<WarehouseLease>;
  parser(): Promise<SqlReferenceParser & SqlSyntax>;
  extractSources?(workspaceId: string): Promise<ExtractSources>;
}

/** The job's identity: one build per revision and request (a rebuild asks again). */
export function reviewBuildJobKey(revisionId: string, at: Date): string {
  return `review-build:${revisionId}:${at.getTime()}`;
}

/** Every review builds in one queue: builds of one review's environment never overlap. */
export const REVIEW_BUILD_QUEUE = "review-builds";

function stored(outcome: AssetOutcome): BuiltOutcome {
  return {
    asset: outcome.asset,
    kind: outcome.kind,
    status: outcome.status,
    ...(outcome.rows === undefined ? {} : { rows: outcome.rows }),
    durationMs: outcome.durationMs,
    checks: outcome.checks.map((check) => ({ check: check.check, severity: check.severity, passed: check.passed, failures: check.failures, ...(check.error ? { error: check.error } : {}) })),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.partition ? { partition: outcome.partition } : {}),
  };
}

export async function buildRevision(deps: ReviewBuildDeps, payload: JsonValue): Promise<void> {
  const { reviewId, revisionId } = payloadSchema.parse(payload);
  const revision = await deps.db.reviewRevision.findUnique({ where: { id: revisionId }, include: { review: { select: { id: true, status: true, env: true, workspaceId: true } } } });
  if (revision === null || revision.review.id !== reviewId || revision.review.status !== "open") return;
  // A newer revision was pushed meanwhile: its own job builds it.
  const newer = await deps.db.reviewRevision.findFirst({ where: { reviewId, number: { gt: revision.number } }, select: { id: true } });
  if (newer !== null) return;
  const notebooks = z.array(revisionNotebookSchema).parse(revision.notebooks);

  // The page sees each asset as it starts and ends; writes go one at a time, in order.
  const outcomes: BuiltOutcome[] = [];
  let writes = setRevisionBuild(deps.db, revisionId, { status: "building", outcomes: [], error: null });
  const save = () => {
    const snapshot = [...outcomes];
    writes = writes.then(() => setRevisionBuild(deps.db, revisionId, { status: "building", outcomes: snapshot }));
  };
  const onEvent = (event: RunEvent) => {
    if (event.type === "asset_started") {
      outcomes.push({ asset: event.asset, kind: event.kind, status: "running", durationMs: 0, checks: [] });
      save();
    } else if (event.type === "asset_finished") {
      const running = outcomes.findIndex((o) => o.asset === event.outcome.asset && o.status === "running");
      if (running >= 0) outcomes.splice(running, 1);
      outcomes.push(stored(event.outcome));
      save();
    }
  };

  const lease = await deps.openWarehouse();
  try {
    const parser = await deps.parser();
    const extract = deps.extractSources ? await deps.extractSources(revision.review.workspaceId) : undefined;
    const result = await buildEnvironment({
      warehouse: lease.warehouse,
      productionSchema: lease.warehouse.schema,
      env: revision.review.env,
      proposed: notebooks.map(({ slug, text }) => ({ slug, text })),
      parser,
      onEvent,
      ...(extract ? { extract } : {}),
    });
    await writes;
    if (!result.ok) {
      await setRevisionBuild(deps.db, revisionId, { status: "failed", outcomes, error: result.issues.map(formatIssue).join("\n"), builtAt: new Date() });
      return;
    }
    const kindOf = (asset: string) => result.plan.assets.find((planned) => planned.asset === asset)?.kind ?? "sql";
    const reused: BuiltOutcome[] = result.reused.map((asset) => ({ asset, kind: kindOf(asset), status: "reused", durationMs: 0, checks: [], reason: "unchanged since an earlier build: served as built then" }));
    const final = [...result.summary.outcomes.map(stored), ...reused];
    const diff = result.summary.ok ? await environmentDiff(lease.warehouse, revision.review.env) : null;
    await setRevisionBuild(deps.db, revisionId, {
      status: result.summary.ok ? "built" : "failed",
      outcomes: final,
      ...(diff?.ok ? { diff: diff.assets } : {}),
      error: result.summary.ok ? null : "some assets did not build: see each one's error",
      builtAt: new Date(),
    });
  } catch (error) {
    await writes.catch(() => undefined);
    // The build failed, not the job: the review shows why and offers a rebuild.
    await setRevisionBuild(deps.db, revisionId, { status: "failed", outcomes, error: error instanceof Error ? error.message : String(error), builtAt: new Date() });
  } finally {
    await lease.release();
  }
}

export function reviewBuildHandlers(deps: ReviewBuildDeps): TaskHandlers {
  const handler: JobHandler = (payload) => buildRevision(deps, payload);
  return { [REVIEW_BUILD_TASK]: handler };
}
