import { describe, expect, it } from "vitest";
import { followLine, placeComment } from "./anchor";
import { cellCode, reviewNotebook } from "./cells";
import { promoteGate, reviewPolicy, verdictState, type DecisionRecord, type GateInput } from "./rules";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 12, minute));

describe("review policy", () => {
  it("asks one approval and requires reviews once a workspace has a second member", () => {
    expect(reviewPolicy({ approvals: null, required: null }, 1)).toEqual({ approvals: 0, required: false });
    expect(reviewPolicy({ approvals: null, required: null }, 2)).toEqual({ approvals: 1, required: true });
    expect(reviewPolicy({ approvals: 2, required: false }, 5)).toEqual({ approvals: 2, required: false });
  });
});

describe("verdicts on revisions", () => {
  const decisions: DecisionRecord[] = [
    { userId: "owner", revision: 1, verdict: "changes_requested", at: at(1) },
    { userId: "other", revision: 1, verdict: "approved", at: at(2) },
    { userId: "author", revision: 1, verdict: "approved", at: at(3) },
  ];

  it("counts each member's last verdict on the current revision, never the author's approval", () => {
    expect(verdictState(decisions, 1, "author")).toEqual({ approvedBy: ["other"], changesRequestedBy: ["owner"], resetFor: [] });
    const changedMind = [...decisions, { userId: "owner", revision: 1, verdict: "approved" as const, at: at(4) }];
    expect(verdictState(changedMind, 1, "author").approvedBy.sort()).toEqual(["other", "owner"]);
  });

  it("resets every verdict when a new revision is pushed", () => {
    const state = verdictState(decisions, 2, "author");
    expect(state.approvedBy).toEqual([]);
    expect(state.changesRequestedBy).toEqual([]);
    expect(state.resetFor.sort()).toEqual(["author", "other", "owner"]);
    const again = verdictState([...decisions, { userId: "owner", revision: 2, verdict: "approved", at: at(9) }], 2, "author");
    expect(again.approvedBy).toEqual(["owner"]);
    expect(again.resetFor.sort()).toEqual(["author", "other"]);
  });
});

describe("promote rules", () => {
  const allowed: GateInput = {
    status: "open",
    policy: { approvals: 1, required: true },
    verdicts: { approvedBy: ["owner"], changesRequestedBy: [], resetFor: [] },
    build: "built",
    buildCurrent: true,
    moved: { assets: [], notebooks: [] },
  };
  const kinds = (input: GateInput) => {
    const gate = promoteGate(input);
    return gate.ok ? [] : gate.missing.map((m) => m.kind);
  };

  it("allows an approved, built review over an unmoved production", () => {
    expect(promoteGate(allowed)).toEqual({ ok: true });
    expect(promoteGate({ ...allowed, policy: { approvals: 0, required: false }, verdicts: { approvedBy: [], changesRequestedBy: [], resetFor: [] } })).toEqual({ ok: true });
  });

  it("refuses without the required approvals", () => {
    const gate = promoteGate({ ...allowed, verdicts: { approvedBy: [], changesRequestedBy: [], resetFor: ["owner"] } });
    expect(gate).toEqual({ ok: false, missing: [{ kind: "approvals", message: "1 approval required, 0 given on this revision (the author's own does not count)" }] });
    expect(kinds({ ...allowed, policy: { approvals: 2, required: true } })).toEqual(["approvals"]);
    expect(kinds({ ...allowed, verdicts: { approvedBy: ["owner"], changesRequestedBy: ["other"], resetFor: [] } })).toEqual(["changes_requested"]);
  });

  it("refuses a failed, unfinished or replaced build, offering a rebuild where one helps", () => {
    const failed = promoteGate({ ...allowed, build: "failed" });
    expect(failed.ok ? null : failed.missing).toEqual([{ kind: "build", message: "the build failed: fix the notebook and push a revision, or rebuild", rebuild: true }]);
    const building = promoteGate({ ...allowed, build: "building" });
    expect(building.ok ? null : building.missing[0]).toMatchObject({ kind: "build", rebuild: false });
    expect(kinds({ ...allowed, buildCurrent: false })).toEqual(["build"]);
  });

  it("refuses when production moved under the build, naming what moved", () => {
    const gate = promoteGate({ ...allowed, moved: { assets: ["orders"], notebooks: ["shop"] } });
    expect(gate.ok ? null : gate.missing).toEqual([
      { kind: "production_moved", message: "production moved since this revision was planned (notebook shop, orders): rebuild it over production as it is now", rebuild: true },
    ]);
  });

  it("lists every reason at once, and refuses a closed review outright", () => {
    expect(kinds({ ...allowed, verdicts: { approvedBy: [], changesRequestedBy: [], resetFor: [] }, build: "failed", moved: { assets: ["x"], notebooks: [] } })).toEqual(["approvals", "build", "production_moved"]);
    expect(kinds({ ...allowed, status: "promoted" })).toEqual(["closed"]);
  });
});

describe("line comments across revisions", () => {
  const r1 = "select id,\n  amount\nfrom orders\nwhere amount > 0";
  const r2 = "-- only paid orders\nselect id,\n  amount\nfrom orders\nwhere amount > 0";
  const r3 = "-- only paid orders\nselect id,\n  amount * 100 as cents\nfrom orders\nwhere amount > 0";
  const revisions: Record<number, string | null> = { 1: r1, 2: r2, 3: r3, 4: null };
  const codeAt = (n: number) => revisions[n] ?? null;

  it("follows its line when lines are added above it", () => {
    expect(followLine(r1, r2, 3)).toBe(4);
    expect(placeComment({ revision: 1, line: 3 }, 2, codeAt)).toEqual({ outdated: false, line: 4 });
    expect(placeComment({ revision: 1, line: 4 }, 3, codeAt)).toEqual({ outdated: false, line: 5 });
  });

  it("is outdated when its line was edited or removed, or its cell is gone", () => {
    expect(followLine(r2, r3, 3)).toBeNull();
    expect(placeComment({ revision: 1, line: 2 }, 3, codeAt)).toEqual({ outdated: true, line: 2, revision: 1 });
    expect(placeComment({ revision: 2, line: 4 }, 4, codeAt)).toEqual({ outdated: true, line: 4, revision: 2 });
    expect(followLine(r1, r2, 9)).toBeNull();
  });

  it("stays outdated when the line is edited and then restored", () => {
    const revert: Record<number, string> = { 1: r2, 2: r3, 3: r2 };
    expect(placeComment({ revision: 1, line: 3 }, 3, (n) => revert[n] ?? null)).toMatchObject({ outdated: true });
  });
});

describe("a notebook as a reviewer reads it", () => {
  const base = [
    "---",
    "title: Shop",
    "---",
    "",
    "Orders, cleaned.",
    "",
    "```sql orders",
    "select 1 as id",
    "```",
    "",
    "```sql customers",
    "select 2 as id",
    "```",
    "",
    "```sql totals",
    "select count(*) as n from orders",
    "```",
    "",
  ].join("\n");
  const proposed = [
    "---",
    "title: Shop",
    "---",
    "",
    "Orders, cleaned and counted.",
    "",
    "```sql customers",
    "select 2 as id",
    "```",
    "",
    "```sql orders",
    "select 1 as id",
    "```",
    "",
    "```sql revenue",
    "select 10 as amount",
    "```",
    "",
  ].join("\n");

  it("labels cells added, removed, moved and changed, in the proposed order", () => {
    const review = reviewNotebook("shop", base, proposed);
    expect(review.change).toBe("changed");
    expect(review.cells.map((cell) => [cell.key, cell.status])).toEqual([
      ["front-matter", "unchanged"],
      ["customers", "unchanged"],
      ["totals", "removed"],
      ["orders", "moved"],
      ["revenue", "added"],
    ]);
    expect(review.prose.filter((p) => p.kind !== "same").map((p) => [p.kind, p.text.trim()])).toEqual([
      ["removed", "Orders, cleaned."],
      ["added", "Orders, cleaned and counted."],
    ]);
  });

  it("shows a changed cell's code both ways, and a removed cell after its old neighbour", () => {
    const edited = base.replace("select count(*) as n from orders", "select count(*) as orders from orders");
    const review = reviewNotebook("shop", base, edited);
    expect(review.cells.find((cell) => cell.key === "totals")).toMatchObject({ status: "changed", before: "select count(*) as n from orders", after: "select count(*) as orders from orders" });
    expect(review.prose).toEqual([]);
    const dropped = reviewNotebook("shop", base, base.replace("```sql customers\nselect 2 as id\n```\n\n", ""));
    expect(dropped.cells.map((cell) => [cell.key, cell.status])).toEqual([
      ["front-matter", "unchanged"],
      ["orders", "unchanged"],
      ["customers", "removed"],
      ["totals", "unchanged"],
    ]);
  });

  it("shows a new or deleted notebook as all added or all removed, and finds a cell's code", () => {
    expect(reviewNotebook("shop", null, proposed).cells.every((cell) => cell.status === "added")).toBe(true);
    expect(reviewNotebook("shop", base, null).cells.every((cell) => cell.status === "removed")).toBe(true);
    expect(cellCode("shop", proposed, "revenue")).toBe("select 10 as amount");
    expect(cellCode("shop", proposed, "totals")).toBeNull();
  });
});
