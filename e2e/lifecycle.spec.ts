import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { assetbook } from "./cli";
import { expect, test } from "./fixtures";

// The lifecycle in the app, on a notebook of its own: a new notebook is not in production
// until it is built and promoted from its Changes page; then an edited and saved cell shows
// as "changed since production", its plan, build (with checks) and data diff are on the
// Changes page, Promote makes the catalog show the new version, and Roll back the old one.
const slug = `lc-${Math.random().toString(36).slice(2, 8)}`;
const file = path.join(process.cwd(), "notebooks", `${slug}.md`);
const items = (second: number) => `select * from (values (1, 10), (2, ${second}), (3, 30)) t(id, amount)`;
const NOTEBOOK = `---
title: Lifecycle
---

Two assets of this spec's own.

\`\`\`sql ${slug.replace("-", "_")}_items
-- checks: unique(id)
${items(20)}
\`\`\`

\`\`\`sql ${slug.replace("-", "_")}_total
-- checks: not_null(total)
select sum(amount) as total from ${slug.replace("-", "_")}_items
\`\`\`
`;
const itemsAsset = `${slug.replace("-", "_")}_items`;
const totalAsset = `${slug.replace("-", "_")}_total`;

test.describe.configure({ mode: "serial" });
test.beforeAll(() => writeFile(file, NOTEBOOK));
test.afterAll(() => unlink(file).catch(() => undefined));

async function buildAndPromote(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Build" }).click();
  await expect(page.getByTestId("build-status")).toHaveText("built", { timeout: 45_000 });
  await expect(page.getByRole("button", { name: "Promote" })).toBeEnabled();
  const before = await latestSeq(page);
  await page.getByRole("button", { name: "Promote" }).click();
  await nextPromotion(page, before);
  await expect(page.getByTestId("promotion").first()).toContainText(`edit-${slug}`);
}

/** The number of the newest promotion in this notebook's history (0: none yet). */
const latestSeq = async (page: Page) => Number(/#(\d+)/.exec((await page.getByTestId("promotion").first().innerText().catch(() => "#0")))?.[1] ?? 0);
/** Waits for a newer promotion of this notebook than #seq (other specs promote meanwhile: the numbers are the workspace's). */
const nextPromotion = (page: Page, seq: number) => expect.poll(() => latestSeq(page), { timeout: 30_000 }).toBeGreaterThan(seq);

const productionVersion = async (page: Page, asset: string) => {
  await page.goto(`/catalog/${asset}`);
  return (await page.getByTestId("production-version").innerText()).trim();
};

test("a new notebook reaches production through its Changes page", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  await expect(page.getByTestId("production-status")).toHaveText(/Not in production yet/);
  await page.getByTestId("production-status").click();
  await expect(page).toHaveURL(new RegExp(`/notebooks/${slug}/changes$`));
  await expect(page.getByTestId("plan").locator(`tr[data-asset="${itemsAsset}"]`)).toHaveAttribute("data-change", "added");
  await buildAndPromote(page);
  expect(await productionVersion(page, itemsAsset)).toMatch(/^[0-9a-f]{16}$/);
});

test("edit, save, see the change, build with checks and diff, promote, roll back", async ({ page }) => {
  const before = await productionVersion(page, itemsAsset);
  const totalBefore = await productionVersion(page, totalAsset);

  await page.goto(`/notebooks/${slug}`);
  await expect(page.getByTestId("production-status")).toHaveText("Same as production");
  const editor = page.getByTestId(`cell-editor-${itemsAsset}`).locator(".monaco-editor");
  await expect(editor).toBeVisible({ timeout: 30_000 });
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(`-- checks: unique(id)\n${items(25)}`);
  await page.keyboard.press("ControlOrMeta+S");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false");
  expect(await readFile(file, "utf8")).toContain(items(25));
  await expect(page.getByTestId("production-status")).toHaveText("1 cell changed since production →");
  // Saving changed nothing in production.
  expect(await productionVersion(page, itemsAsset)).toBe(before);

  await page.goto(`/notebooks/${slug}/changes`);
  await expect(page.getByTestId("changes-summary")).toContainText("1 cell changed since production");
  await expect(page.getByTestId("plan").locator(`tr[data-asset="${itemsAsset}"]`)).toHaveAttribute("data-change", "breaking");
  await expect(page.getByTestId("plan").locator(`tr[data-asset="${totalAsset}"]`)).toContainText(`reads ${itemsAsset}, which changed in a breaking way`);
  await page.getByRole("button", { name: "Build" }).click();
  await expect(page.getByTestId("build-status")).toHaveText("built", { timeout: 45_000 });
  await expect(page.getByTestId("build-outcomes").locator(`tr[data-asset="${itemsAsset}"]`)).toContainText("✓ unique(id)");
  await expect(page.getByTestId("build-outcomes").locator(`tr[data-asset="${totalAsset}"]`)).toContainText("✓ not_null(total)");
  // Keyed by its unique check: exactly the row changed on purpose.
  await expect(page.getByTestId("diff").locator(`[data-asset="${itemsAsset}"] [data-testid="diff-summary"]`)).toHaveText("Rows 3 → 3 · 0 added · 0 removed · 1 changed");
  await expect(page.getByTestId("diff").locator(`[data-asset="${itemsAsset}"] tr[data-kind="changed"]`)).toContainText("amount: 20 → 25");
  await page.screenshot({ path: "docs/screenshots/changes.png", fullPage: true });

  const promotionsBefore = await latestSeq(page);
  await page.getByRole("button", { name: "Promote" }).click();
  await nextPromotion(page, promotionsBefore);
  await expect(page.getByTestId("promotion").first()).toContainText(`edit-${slug}`);
  await expect(page.getByTestId("promotion").first()).toContainText(`${itemsAsset}, ${totalAsset}`);
  const after = await productionVersion(page, itemsAsset);
  expect(after).not.toBe(before);
  expect(await productionVersion(page, totalAsset)).not.toBe(totalBefore);
  await page.goto(`/notebooks/${slug}`);
  await expect(page.getByTestId("production-status")).toHaveText("Same as production");

  await page.goto(`/notebooks/${slug}/changes`);
  const beforeRollback = await latestSeq(page);
  await page.getByRole("button", { name: "Roll back" }).first().click();
  await nextPromotion(page, beforeRollback);
  await expect(page.getByTestId("promotion").first()).toContainText("rollback", { timeout: 30_000 });
  expect(await productionVersion(page, itemsAsset)).toBe(before);
  expect(await productionVersion(page, totalAsset)).toBe(totalBefore);
  await page.goto(`/notebooks/${slug}`);
  await expect(page.getByTestId("production-status")).toHaveText("1 cell changed since production →");
});

test("the lifecycle's commands against the server: plan, build, diff, promote, env list, rollback", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  if (!baseURL) throw new Error("baseURL is not set");
  await page.goto("/settings");
  const tokens = page.getByTestId("api-tokens");
  await tokens.getByLabel("token name").fill(`e2e lifecycle ${Date.now()}`);
  await tokens.getByTestId("create-token").click();
  const token = ((await tokens.getByTestId("new-token").textContent()) ?? "").trim();
  expect(token).toMatch(/^ab_/);
  const env = { ASSETBOOK_SERVER: baseURL, ASSETBOOK_TOKEN: token };
  // A proposed text from the user's checkout, not the server's notebooks directory.
  const dir = path.join(process.cwd(), ".tmp", `cli-${slug}`);
  await mkdir(dir, { recursive: true });
  const proposed = path.join(dir, `${slug}.md`);
  await writeFile(proposed, NOTEBOOK.replace(items(20), items(40)));
  const envName = `cli-${slug}`;

  const plan = await assetbook(["plan", proposed, "--env", envName, "--json"], env);
  expect(plan.code, plan.stderr).toBe(0);
  const planned: unknown = JSON.parse(plan.stdout);
  expect(planned).toMatchObject({ env: envName, build: [itemsAsset, totalAsset] });

  const build = await assetbook(["build", proposed, "--env", envName, "--json"], env);
  expect(build.code, build.stderr).toBe(0);
  expect(JSON.parse(build.stdout)).toMatchObject({ env: envName, ok: true, built: [itemsAsset, totalAsset] });

  const diff = await assetbook(["diff", "--env", envName, itemsAsset, "--json"], env);
  expect(diff.code, diff.stderr).toBe(0);
  expect(JSON.parse(diff.stdout)).toMatchObject({ assets: { [itemsAsset]: { rows: { production: 3, env: 3 }, changed: 1 } } });

  const listed = await assetbook(["env", "list", "--json"], env);
  expect(JSON.parse(listed.stdout)).toMatchObject({ environments: expect.arrayContaining([{ env: envName, status: "built" }]) });

  const promoted = await assetbook(["promote", "--env", envName, "--json"], env);
  expect(promoted.code, promoted.stderr).toBe(0);
  expect(JSON.parse(promoted.stdout)).toMatchObject({ ok: true, changed: [itemsAsset, totalAsset] });
  // The catalog followed the warehouse: the notebook's page now compares with what was promoted.
  await page.goto(`/notebooks/${slug}/changes`);
  await expect(page.getByTestId("promotion").first()).toContainText(envName);

  const rolled = await assetbook(["rollback", "--json"], env);
  expect(rolled.code, rolled.stderr).toBe(0);
  expect(JSON.parse(rolled.stdout)).toMatchObject({ ok: true, changed: [itemsAsset, totalAsset] });
  // A stale or missing build is refused, changing nothing.
  const again = await assetbook(["promote", "--env", "no-such-env", "--json"], env);
  expect(again.code).toBe(1);
  expect(JSON.parse(again.stdout)).toMatchObject({ ok: false });
  expect(`${plan.stdout}${build.stdout}${promoted.stdout}${plan.stderr}`).not.toContain(token);
});
