// A review end to end over the catalog (PGlite, and PostgreSQL when TEST_DATABASE_URL is set)
// and a DuckDB warehouse: proposed from a working copy, built by its job, discussed by line,
// revised (verdicts reset, comments follow their line), approved, promoted; abandoned.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { PRODUCTION } from "../lifecycle/layout";
import { environments, servedState } from "../lifecycle/store";
import { startProduction } from "../runs/production";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { placeComment } from "./anchor";
import { buildRevision, REVIEW_BUILD_QUEUE, REVIEW_BUILD_TASK, reviewBuildHandlers, reviewBuildJobKey } from "./build-job";
import { openLocalQueue } from "../queue/local";
import { waitFor } from "../queue/conformance";
import { prismaSqlClient } from "../runs/prisma-sql";
import { cellCode } from "./cells";
import { verdictState } from "./rules";
import { abandonReview, decideReview, plainPromoteRefusal, promoteReview, proposeReview, reviewGate, reviseReview, type ReviewBuildJob, type ReviewDeps } from "./service";
import { addComment, listReviews, loadReview, ReviewError, setReviewSettings, waitingCount } from "./store";

const { cases } = storeCases();

const SHOP = (doubled: string) => `---
title: Shop
---

\`\`\`sql src
select 1 as id union all select 2 as id
\`\`\`

\`\`\`sql doubled
${doubled}
\`\`\`
`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe.each(cases)("reviews on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  let owner: string;
  let editor: string;
  let jobs: ReviewBuildJob[];
  let deps: ReviewDeps;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-reviews-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    owner = (await db.user.create({ data: { email: "owner@example.com", name: "Owner" } })).id;
    editor = (await db.user.create({ data: { email: "editor@example.com", name: "Editor" } })).id;
    await db.member.createMany({ data: [{ workspaceId, userId: owner, role: "owner" }, { workspaceId, userId: editor, role: "editor" }] });
    await writeFile(path.join(dir, "shop.md"), SHOP("select id * 2 as v from src"));
    // Production's tables as a run wrote them before the first start adopted the notebook.
    await warehouse.exec("create table src as select 1 as id union all select 2 as id");
    await warehouse.exec("create table doubled as select id * 2 as v from src");
    await startProduction({ db, workspaceId, warehouse, notebooksDir: dir, parser });
    jobs = [];
    deps = { db, workspaceId, notebooksDir: dir, warehouse, parser, enqueueBuild: async (job) => void jobs.push(job) };
  });
  afterEach(async () => {
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the queued build jobs as a worker would. */
  const work = async () => {
    for (const job of jobs.splice(0)) await buildRevision({ db, openWarehouse: async () => ({ warehouse, release: async () => undefined }), parser: async () => parser }, job);
  };
  const review = async (number: number) => {
    const loaded = await loadReview(db, workspaceId, number);
    if (loaded === null) throw new Error(`no review #${number}`);
    return loaded;
  };
  const gateKinds = async (number: number) => {
    const gate = await reviewGate(deps, await review(number));
    return gate.ok ? [] : gate.missing.map((m) => m.kind);
  };
  const production = async () => (await warehouse.query("select v from doubled order by v")).map((row) => Number(row.v));

  it("goes from a working copy through revisions and verdicts to production", async () => {
    await expect(proposeReview(deps, { authorId: editor, title: "Nothing", description: "", notebooks: ["shop"] })).rejects.toThrow(/nothing to propose: shop is the same as production/);

    await writeFile(path.join(dir, "shop.md"), SHOP("select id * 3 as v\nfrom src"));
    const { number } = await proposeReview(deps, { authorId: editor, title: "Triple it", description: "**Why**: the rate changed.", notebooks: ["shop"] });
    expect(number).toBe(1);
    let loaded = await review(1);
    expect(loaded.revisions.map((r) => [r.number, r.buildStatus])).toEqual([[1, "queued"]]);
    expect(loaded.revisions[0]?.plan.build).toEqual(["doubled"]);
    expect(await gateKinds(1)).toEqual(["approvals", "build"]);

    await work();
    loaded = await review(1);
    const first = loaded.revisions[0];
    expect(first?.buildStatus).toBe("built");
    expect(first?.outcomes.map((o) => [o.asset, o.status, o.rows])).toEqual([["doubled", "succeeded", 2]]);
    expect(first?.diff?.doubled).toMatchObject({ rows: { production: 2, env: 2 }, added: 2, removed: 2 });
    // Production is untouched by the build.
    expect(await production()).toEqual([2, 4]);
    expect(await gateKinds(1)).toEqual(["approvals"]);
    expect(await waitingCount(db, workspaceId, owner)).toBe(1);
    expect(await waitingCount(db, workspaceId, editor)).toBe(0);

    // The owner comments on the FROM line and asks for changes.
    const comment = await addComment(db, { workspaceId, reviewId: loaded.id, authorId: owner, revision: 1, notebook: "shop", cell: "doubled", line: 2, lineText: "from src", body: "Name the source table in full." });
    await decideReview(deps, { number: 1, userId: owner, verdict: "changes_requested", revision: 1 });
    expect(await gateKinds(1)).toEqual(["approvals", "changes_requested"]);
    expect(await waitingCount(db, workspaceId, owner)).toBe(0);

    // The author revises: a line above the commented one; verdicts reset, the comment follows.
    await expect(reviseReview(deps, { number: 1, authorId: editor })).rejects.toThrow(/nothing changed since revision 1/);
    await writeFile(path.join(dir, "shop.md"), SHOP("-- the new rate\nselect id * 3 as v\nfrom src"));
    expect(await reviseReview(deps, { number: 1, authorId: editor })).toEqual({ revision: 2 });
    await expect(decideReview(deps, { number: 1, userId: owner, verdict: "approved", revision: 1 })).rejects.toThrow(/revision 2 was pushed since/);
    loaded = await review(1);
    const state = verdictState(loaded.decisions.map((d) => ({ userId: d.userId, revision: d.revision, verdict: d.verdict, at: d.createdAt })), 2, editor);
    expect(state).toEqual({ approvedBy: [], changesRequestedBy: [], resetFor: [owner] });
    const texts = new Map(loaded.revisions.map((r) => [r.number, r.notebooks.find((nb) => nb.slug === "shop")?.text ?? null]));
    const stored = loaded.comments.find((c) => c.id === comment.id);
    expect(placeComment({ revision: stored?.revision ?? 0, line: stored?.line ?? 0 }, 2, (n) => cellCode("shop", texts.get(n) ?? null, "doubled"))).toEqual({ outdated: false, line: 3 });
    expect(await gateKinds(1)).toEqual(["approvals", "build"]);

    await work();
    expect((await review(1)).revisions[1]?.buildStatus).toBe("built");
    await decideReview(deps, { number: 1, userId: editor, verdict: "approved", revision: 2 });
    expect(await gateKinds(1)).toEqual(["approvals"]);
    expect(await promoteReview(deps, { number: 1, actorId: editor })).toEqual({ ok: false, reason: "1 approval required, 0 given on this revision (the author's own does not count)" });
    await decideReview(deps, { number: 1, userId: owner, verdict: "approved", revision: 2 });
    expect(await gateKinds(1)).toEqual([]);

    const promoted = await promoteReview(deps, { number: 1, actorId: editor });
    expect(promoted).toMatchObject({ ok: true, changed: ["doubled"] });
    expect(await production()).toEqual([3, 6]);
    loaded = await review(1);
    expect(loaded.status).toBe("promoted");
    expect(loaded.promotionId).toBe(promoted.ok ? promoted.promotion : null);
    expect((await environments(warehouse)).map((e) => e.env)).not.toContain("review-1");
    expect((await servedState(warehouse, PRODUCTION)).notebooks.shop).toContain("the new rate");
    expect((await listReviews(db, workspaceId, "promoted", owner)).map((r) => r.number)).toEqual([1]);
    const audit = await db.auditEntry.findMany({ where: { workspaceId, targetType: "review" }, orderBy: { id: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["review.propose", "review.comment", "review.request_changes", "review.revise", "review.approve", "review.approve", "review.promote"]);
    await expect(promoteReview(deps, { number: 1, actorId: editor })).rejects.toThrow(/review #1 is promoted/);
  });

  it("refuses to promote when production moved under the build, and abandons with cleanup", async () => {
    await writeFile(path.join(dir, "shop.md"), SHOP("select id * 5 as v from src"));
    await proposeReview(deps, { authorId: editor, title: "Five", description: "", notebooks: ["shop"] });
    await proposeReview(deps, { authorId: editor, title: "Five again", description: "", notebooks: ["shop"] });
    await work();
    await setReviewSettings(db, { workspaceId, actorId: owner, settings: { approvals: 0, required: true } });
    expect(await plainPromoteRefusal(deps)).toMatch(/promotes only approved reviews/);
    expect(await promoteReview(deps, { number: 2, actorId: editor })).toMatchObject({ ok: true });
    // Review 1 was planned over the production review 2 replaced.
    expect(await gateKinds(1)).toEqual(["production_moved"]);
    const refused = await promoteReview(deps, { number: 1, actorId: editor });
    expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/production moved since this revision was planned \(notebook shop\)/) });
    await abandonReview(deps, { number: 1, actorId: editor });
    expect((await review(1)).status).toBe("abandoned");
    expect((await environments(warehouse)).map((e) => e.env)).toEqual([]);
    await expect(abandonReview(deps, { number: 1, actorId: editor })).rejects.toBeInstanceOf(ReviewError);
    await setReviewSettings(db, { workspaceId, actorId: owner, settings: { approvals: null, required: false } });
    expect(await plainPromoteRefusal(deps)).toBeNull();
  });

  // The embedded queue over this store (PostgreSQL's graphile-worker has its own conformance suite).
  it.skipIf(storeCase.name !== "embedded")("is built by a worker that claims its job from the queue", async () => {
    const queue = await openLocalQueue(prismaSqlClient(db));
    const worker = queue.work(reviewBuildHandlers({ db, openWarehouse: async () => ({ warehouse, release: async () => undefined }), parser: async () => parser }), { concurrency: 1, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
    try {
      const queued: ReviewDeps = { ...deps, enqueueBuild: async (job) => void (await queue.enqueue(REVIEW_BUILD_TASK, job, { jobKey: reviewBuildJobKey(job.revisionId, new Date()), queueName: REVIEW_BUILD_QUEUE })) };
      await writeFile(path.join(dir, "shop.md"), SHOP("select id * 7 as v from src"));
      await proposeReview(queued, { authorId: editor, title: "Seven", description: "", notebooks: ["shop"] });
      await waitFor("the review's build", async () => (await review(1)).revisions[0]?.buildStatus === "built");
      expect((await review(1)).revisions[0]?.outcomes.map((o) => [o.asset, o.status])).toEqual([["doubled", "succeeded"]]);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});
