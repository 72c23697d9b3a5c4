import { spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { git } from "../lib/git";
import { expect, test } from "./fixtures";

// The git workflow against the e2e server, with a real bare repository on this machine and
// the real `assetbook` command run in a clone, as a CI job would: a branch that adds a
// notebook is reviewed, approved and promoted; a branch that changes one SQL cell gives a
// review with exactly that change and a Markdown summary with its data diff; a second push
// is a new revision; `review status` fails until the other member approves; after
// `promote --review`, production equals the branch and the asset page shows the commit.
const id = Math.random().toString(36).slice(2, 8);
const slug = `gw-${id}`;
const items = `gw_${id}_items`;
const total = `gw_${id}_total`;
const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
const ROOT = path.join(process.cwd(), ".tmp", `git-${id}`);
const WORK = path.join(ROOT, "work");
const CLI = path.join(process.cwd(), "bin", "assetbook.mjs");
const REVIEWER = { email: `reviewer-${id}@example.com`, name: "Rita Reviewer", password: "a reviewer's long password" };
const AUTHOR = { GIT_AUTHOR_NAME: "CI", GIT_AUTHOR_EMAIL: "ci@example.com", GIT_COMMITTER_NAME: "CI", GIT_COMMITTER_EMAIL: "ci@example.com" };

const itemsSql = (second: number) => `-- checks: unique(id)\nselect *\nfrom (values (1, 10), (2, ${second}), (3, 30)) t(id, amount)`;
const notebook = (second: number) => `---
title: Git workflow
---

Three items and their total.

\`\`\`sql ${items}
${itemsSql(second)}
\`\`\`

\`\`\`sql ${total}
select sum(amount) as total from ${items}
\`\`\`
`;

test.describe.configure({ mode: "serial" });

let token = "";
let reviewer: APIRequestContext;

/** `assetbook …` in the clone, as CI runs it. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: WORK, env: { ...process.env, NO_COLOR: "1", ASSETBOOK_SERVER: ORIGIN, ASSETBOOK_TOKEN: token, GITHUB_HEAD_REF: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

async function commit(message: string, second: number | null): Promise<void> {
  if (second !== null) await writeFile(path.join(WORK, "notebooks", `${slug}.md`), notebook(second));
  await git(WORK, ["add", "-A"]);
  await git(WORK, ["commit", "--allow-empty", "-m", message], AUTHOR);
}

async function post(request: APIRequestContext, url: string, data: unknown): Promise<unknown> {
  const response = await request.post(url, { data, headers: { origin: ORIGIN } });
  const body: unknown = await response.json();
  expect(response.ok(), `${url}: ${JSON.stringify(body)}`).toBe(true);
  return body;
}

const approve = (number: number, revision: number) => post(reviewer, `/api/reviews/${number}/decision`, { verdict: "approved", revision });

test.beforeAll(async ({ playwright, browser }) => {
  await rm(ROOT, { recursive: true, force: true });
  await mkdir(ROOT, { recursive: true });
  const remote = path.join(ROOT, "remote.git");
  await git(ROOT, ["init", "--bare", "--initial-branch=main", remote]);
  await git(ROOT, ["clone", `file://${remote}`, "work"]);
  await mkdir(path.join(WORK, "notebooks"));
  await writeFile(path.join(WORK, "README.md"), "A data project.\n");
  await commit("start", null);
  await git(WORK, ["push", "origin", "main"]);

  // The owner: a token for CI, a second member to review, one approval required.
  const owner = await browser.newContext({ storageState: "data/e2e/owner-state.json" });
  token = String(((await post(owner.request, "/api/tokens", { name: `ci ${id}` })) as { token: string }).token);
  await post(owner.request, "/api/members", { ...REVIEWER, role: "editor" });
  const policy = await owner.request.put("/api/settings/reviews", { data: { approvals: 1, required: true }, headers: { origin: ORIGIN } });
  expect(policy.ok()).toBe(true);
  await owner.close();
  reviewer = await playwright.request.newContext({ baseURL: ORIGIN });
  await post(reviewer, "/api/session", { email: REVIEWER.email, password: REVIEWER.password });
});

test.afterAll(async ({ browser }) => {
  await reviewer?.dispose();
  const owner = await browser.newContext({ storageState: "data/e2e/owner-state.json" });
  await owner.request.put("/api/settings/reviews", { data: { approvals: null, required: false }, headers: { origin: ORIGIN } });
  await owner.close();
  await rm(ROOT, { recursive: true, force: true });
});

test("a branch that adds a notebook is reviewed, approved and promoted from CI", async () => {
  await git(WORK, ["checkout", "-b", "add-notebook"]);
  await commit("Add the git workflow notebook", 20);
  const opened = await cli(["review", "open", "--base", "main", "--wait", "--json"]);
  expect(opened.code, opened.stderr).toBe(0);
  const review = JSON.parse(opened.stdout) as { number: number; revision: number; created: boolean; build: string };
  expect(review).toMatchObject({ revision: 1, created: true, build: "built" });

  const waiting = await cli(["review", "status"]);
  expect(waiting.code).toBe(1);
  expect(waiting.stdout).toContain("1 approval required, 0 given");
  await approve(review.number, 1);
  expect((await cli(["review", "status"])).code).toBe(0);
  await git(WORK, ["checkout", "main"]);
  await git(WORK, ["merge", "--ff-only", "add-notebook"]);
  await git(WORK, ["push", "origin", "main"]);
  const promoted = await cli(["promote", "--review", String(review.number), "--json"]);
  expect(promoted.code, promoted.stderr).toBe(0);
  expect(JSON.parse(promoted.stdout)).toMatchObject({ ok: true, changed: [items, total] });
});

test("a changed cell gives a review of exactly that change, revised by a second push, promoted after approval", async ({ page }) => {
  await git(WORK, ["checkout", "-b", "price-change"]);
  await commit("Raise item 2 to 25", 25);
  // CI runs twice on the same push: the second run changes nothing.
  const first = await cli(["review", "open", "--base", "main", "--wait", "--summary", "../summary.md", "--json"]);
  expect(first.code, first.stderr).toBe(0);
  const opened = JSON.parse(first.stdout) as { number: number; revision: number; url: string; commit: string };
  expect(opened).toMatchObject({ revision: 1, url: `${ORIGIN}/reviews/${opened.number}` });
  const again = await cli(["review", "open", "--base", "main", "--json"]);
  expect(JSON.parse(again.stdout)).toMatchObject({ number: opened.number, revision: 1, unchanged: true });

  // Exactly that change: one changed cell, the other unchanged (rebuilt, as it reads it).
  const view = (await (await page.request.get(`/api/reviews/${opened.number}`)).json()) as { notebooks: { slug: string; cells: { key: string; status: string }[] }[] };
  expect(view.notebooks.map((nb) => nb.slug)).toEqual([slug]);
  expect(view.notebooks[0]?.cells.map((c) => [c.key, c.status])).toEqual([
    ["front-matter", "unchanged"],
    [items, "changed"],
    [total, "unchanged"],
  ]);
  const summary = await readFile(path.join(ROOT, "summary.md"), "utf8");
  expect(summary).toContain(`## Assetbook review #${opened.number}: Raise item 2 to 25`);
  expect(summary).toContain("### Data diff");
  expect(summary).toContain(`**${items}**: rows 3 → 3 · 0 added · 0 removed · 1 changed`);
  expect(summary).toContain("| changed | id=2 | amount: 20 → 25 |");
  expect(summary).toContain(opened.url);

  const status = await cli(["review", "status", "--json"]);
  expect(status.code).toBe(1);
  expect(JSON.parse(status.stdout)).toMatchObject({ number: opened.number, ok: false, build: "built" });

  // A second push is a new revision of the same review.
  await commit("Raise item 2 to 26", 26);
  const second = await cli(["review", "open", "--base", "main", "--wait", "--json"]);
  expect(second.code, second.stderr).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ number: opened.number, revision: 2, created: false, build: "built" });
  await approve(opened.number, 2);
  const ready = await cli(["review", "status"]);
  expect(ready.code, ready.stdout).toBe(0);

  // After the merge, CI promotes; production is the branch: planning its file changes nothing.
  await git(WORK, ["checkout", "main"]);
  await git(WORK, ["merge", "--ff-only", "price-change"]);
  const head = (await git(WORK, ["rev-parse", "HEAD"])).trim();
  const promoted = await cli(["promote", "--review", String(opened.number)]);
  expect(promoted.code, promoted.stderr).toBe(0);
  const plan = await cli(["plan", path.join("notebooks", `${slug}.md`), "--env", `check-${id}`, "--json"]);
  expect(plan.code, plan.stderr).toBe(0);
  expect(JSON.parse(plan.stdout)).toMatchObject({ build: [] });

  // The asset page names the review and the commit its production version came from.
  await page.goto(`/catalog/${items}`);
  await expect(page.getByTestId("asset-review")).toContainText(`review #${opened.number}`);
  await expect(page.getByTestId("asset-commit")).toHaveAttribute("title", head);
});
