// The Markdown summary a CI step posts on a pull request, against golden files.
import path from "node:path";
import { describe, it } from "vitest";
import { expectGolden } from "../../test/golden";
import type { Plan } from "../lifecycle/plan";
import { reviewSummary } from "./summary";
import type { ReviewView } from "./view";

const golden = (name: string) => path.join(import.meta.dirname, "__fixtures__", "summary", `${name}.md`);
const person = { id: "u1", name: "Eddie Editor", email: "eddie@example.com" };
const at = new Date(Date.UTC(2026, 11, 2, 12, 0));

const plan: Plan = {
  env: "review-7",
  hash: "abc123",
  build: ["orders", "revenue"],
  notebooks: [{ slug: "shop", change: "changed", text: "t2", productionText: "t1" }],
  base: { notebooks: { shop: "t1" }, versions: { customers: "v0" } },
  assets: [
    { asset: "orders", notebook: "shop", kind: "sql", change: "breaking", metadataChanged: false, build: true, reason: "changed (breaking)", version: "v2", productionVersion: "v1" },
    { asset: "revenue", notebook: "shop", kind: "sql", change: "unchanged", metadataChanged: false, build: true, reason: "reads orders, which changed in a breaking way", version: "v4", productionVersion: "v3" },
    { asset: "customers", notebook: "shop", kind: "sql", change: "unchanged", metadataChanged: false, build: false, version: "v0", productionVersion: "v0" },
  ],
};

const built: ReviewView = {
  review: { id: "r7", number: 7, title: "Orders | in cents", description: "", status: "open", env: "review-7", promotionId: null, createdAt: at, closedAt: null, branch: "orders-in-cents", author: person },
  revisions: [{ number: 2, at, author: person, build: "built", commit: "0123456789abcdef0123456789abcdef01234567" }],
  current: {
    number: 2,
    plan,
    buildStatus: "built",
    buildError: null,
    builtAt: at,
    outcomes: [
      { asset: "orders", kind: "sql", status: "succeeded", rows: 3, durationMs: 12, checks: [{ check: "unique(id)", severity: "error", passed: true, failures: 0 }] },
      { asset: "revenue", kind: "sql", status: "succeeded", rows: 1, durationMs: 8, checks: [{ check: "row_count(min=2)", severity: "warn", passed: false, failures: 1 }] },
    ],
    diff: {
      orders: {
        schema: { added: ["cents"], removed: [], retyped: [] },
        rows: { production: 3, env: 3 },
        added: 0,
        removed: 0,
        changed: 1,
        columns: [{ name: "amount", changed: 1, match: 2 / 3 }],
        sample: [{ kind: "changed", key: { id: "2" }, values: { amount: { production: "20", env: "25" } } }],
        warnings: [],
      },
      revenue: { error: '"revenue" has no table to compare (a chart)' },
    },
  },
  notebooks: [],
  threads: [],
  verdicts: [],
  policy: { approvals: 1, required: true },
  gate: { ok: false, missing: [{ kind: "approvals", message: "1 approval required, 0 given on this revision (the author's own does not count)" }] },
};

describe("the review's Markdown summary", () => {
  it("has the plan, the checks, the data diff per asset, what promotion needs, and the link", () => {
    expectGolden(golden("built"), reviewSummary(built, "https://assetbook.example.com/reviews/7"));
  });

  it("says when the build failed and there is no data diff", () => {
    const failed: ReviewView = {
      ...built,
      current: { ...built.current, buildStatus: "failed", buildError: "shop.md:9: cell orders: Binder Error: column amount_x not found", outcomes: [{ asset: "orders", kind: "sql", status: "failed", durationMs: 3, checks: [], reason: "Binder Error: column amount_x not found" }], diff: null },
      gate: { ok: false, missing: [{ kind: "build", message: "the build failed: fix the notebook and push a revision, or rebuild", rebuild: true }] },
    };
    expectGolden(golden("failed"), reviewSummary(failed, "https://assetbook.example.com/reviews/7"));
  });
});
