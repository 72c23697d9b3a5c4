import { unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { OWNER_STATE } from "./owner";

// A review with two members in their own browsers: the editor changes a SQL cell and
// proposes it; the owner reads the code and data diff, comments on a line and requests
// changes; the editor revises (the verdict resets); the owner approves and promotes; the
// catalog and the notebook's history show it; a rollback restores the old data; a
// read-only link opens without an account and writes nothing.
const id = Math.random().toString(36).slice(2, 8);
const slug = `rv-${id}`;
const items = `rv_${id}_items`;
const total = `rv_${id}_total`;
const file = path.join(process.cwd(), "notebooks", `${slug}.md`);
const EDITOR = { email: `editor-${id}@example.com`, name: "Eddie Editor", password: "another correct horse battery" };

const itemsSql = (second: number) => `-- checks: unique(id)\nselect *\nfrom (values (1, 10), (2, ${second}), (3, 30)) t(id, amount)`;
const NOTEBOOK = `---
title: Review spec
---

Three items and their total.

\`\`\`sql ${items}
${itemsSql(20)}
\`\`\`

\`\`\`sql ${total}
select sum(amount) as total from ${items}
\`\`\`
`;

test.describe.configure({ mode: "serial" });

/** The app's origin (playwright.config.ts): API writes outside a page carry it, as a browser would. */
const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;

let editor: BrowserContext;
/** The review the editor proposes in the UI (the phone test reads it again). */
let proposed = 0;

async function api(request: APIRequestContext, method: "GET" | "POST" | "PUT", url: string, data?: unknown): Promise<unknown> {
  const response = await request.fetch(url, { method, headers: { origin: ORIGIN }, ...(data === undefined ? {} : { data }) });
  const body: unknown = await response.json();
  expect(response.ok(), `${method} ${url}: ${JSON.stringify(body)}`).toBe(true);
  return body;
}

async function reviewNumber(page: Page): Promise<number> {
  const match = /\/reviews\/(\d+)$/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`not a review page: ${page.url()}`);
  return Number(match[1]);
}

async function waitBuilt(page: Page): Promise<void> {
  await expect(page.getByTestId("build-status")).toHaveText("built", { timeout: 60_000 });
}

async function signIn(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/login?next=/catalog");
  await page.getByLabel("Email").fill(EDITOR.email);
  await page.getByLabel("Password").fill(EDITOR.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/catalog");
  await page.close();
  return context;
}

const productionVersion = async (page: Page, asset: string) => {
  await page.goto(`/catalog/${asset}`);
  return (await page.getByTestId("production-version").innerText()).trim();
};

test.beforeAll(async ({ browser }) => {
  await writeFile(file, NOTEBOOK);
  // The owner (this spec's default session) adds an editor and asks one approval per review.
  const owner = await browser.newContext({ storageState: OWNER_STATE });
  await api(owner.request, "POST", "/api/members", { ...EDITOR, role: "editor" });
  await api(owner.request, "PUT", "/api/settings/reviews", { approvals: 1, required: true });
  await owner.close();
  editor = await signIn(browser);
});

test.afterAll(async ({ browser }) => {
  await editor?.close();
  // Later specs promote from the Changes page: the plain Promote is opened again.
  const owner = await browser.newContext({ storageState: OWNER_STATE });
  await api(owner.request, "PUT", "/api/settings/reviews", { approvals: null, required: false });
  await owner.close();
  await unlink(file).catch(() => undefined);
});

test("the new notebook reaches production through a review the editor approves", async ({ page }) => {
  // The plain Promote is closed while reviews are required.
  await page.goto(`/notebooks/${slug}/changes`);
  await expect(page.getByTestId("review-only")).toBeVisible();
  await expect(page.getByRole("button", { name: "Promote" })).toBeDisabled();
  const refused = await page.request.post(`/api/notebooks/${slug}/changes/promote`, { headers: { origin: ORIGIN } });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain("promotes only approved reviews");

  const created = await api(page.request, "POST", "/api/reviews", { title: `Add ${slug}`, notebooks: [slug] });
  const number = Number((created as { number: number }).number);
  await page.goto(`/reviews/${number}`);
  await waitBuilt(page);
  await expect(page.getByTestId("review-cell").first()).toHaveAttribute("data-status", "added");
  // The author cannot approve their own review.
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await api(editor.request, "POST", `/api/reviews/${number}/decision`, { verdict: "approved", revision: 1 });
  await page.reload();
  await expect(page.getByTestId("gate")).toContainText("Ready to promote");
  await page.getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("review-status")).toHaveText("promoted", { timeout: 30_000 });
});

test("editor proposes, owner requests changes on a line, editor revises, owner approves and promotes", async ({ page, browser }) => {
  const before = await productionVersion(page, items);
  expect(before).toMatch(/^[0-9a-f]+$/);

  // 1. The editor changes a SQL cell in the editor, saves, and proposes it.
  const mine = await editor.newPage();
  await mine.goto(`/notebooks/${slug}`);
  const cell = mine.getByTestId(`cell-editor-${items}`).locator(".monaco-editor");
  await expect(cell).toBeVisible({ timeout: 30_000 });
  await cell.locator(".view-lines").click();
  await mine.keyboard.press("ControlOrMeta+A");
  await mine.keyboard.insertText(itemsSql(25));
  await mine.keyboard.press("ControlOrMeta+S");
  await expect(mine.getByTestId("save-state")).toHaveText("Saved");
  await mine.getByRole("button", { name: "Propose changes" }).click();
  const form = mine.getByRole("form", { name: "Propose changes" });
  await form.getByLabel("Title").fill("Item 2 costs 25");
  await form.getByLabel("Description (Markdown)").fill("The **supplier** raised the price of item 2.");
  await form.getByRole("button", { name: "Propose" }).click();
  await expect(mine).toHaveURL(/\/reviews\/\d+$/, { timeout: 30_000 });
  const number = await reviewNumber(mine);
  proposed = number;
  await expect(mine.getByTestId("build-status")).toHaveText(/queued|building|built/);

  // 2. The owner sees it waiting, with the code diff and the data diff.
  await page.goto("/");
  await expect(page.getByTestId("reviews-waiting")).toHaveText(/[1-9]/);
  await page.goto(`/reviews/${number}`);
  await waitBuilt(page);
  await expect(page.locator(".review-description strong")).toHaveText("supplier");
  const changed = page.locator(`[data-testid="review-cell"][data-cell="${items}"]`);
  await expect(changed).toHaveAttribute("data-status", "changed");
  await expect(changed.getByTestId("code-diff").locator(".monaco-diff-editor")).toBeVisible({ timeout: 30_000 });
  await expect(changed.locator('.changes-change[data-change="breaking"]')).toBeVisible();
  await expect(page.locator(`[data-testid="review-cell"][data-cell="${total}"]`)).toContainText("rebuilt");
  await expect(page.locator(`.changes-diff[data-asset="${items}"]`).getByTestId("diff-summary")).toContainText("1 changed");
  await expect(page.locator(`.changes-diff[data-asset="${items}"]`)).toContainText("amount: 20 → 25");
  await expect(page.getByTestId("build-outcomes")).toContainText(total);

  // A comment on line 3 (the values), then "Request changes".
  await changed.getByRole("button", { name: `Comment on ${items}` }).click();
  await changed.getByLabel("Line").selectOption("3");
  await changed.getByRole("textbox", { name: `Comment on ${items}` }).fill("Is 25 net or gross?");
  await changed.getByRole("button", { name: "Comment", exact: true }).click();
  const thread = changed.getByTestId("thread");
  await expect(thread).toContainText("line 3");
  await expect(thread).toContainText("Is 25 net or gross?");
  await page.getByRole("button", { name: "Request changes" }).click();
  await expect(page.getByTestId("verdicts")).toContainText("changes requested by Olive Owner");
  await expect(page.getByTestId("gate")).toContainText("changes requested");
  await page.setViewportSize({ width: 1440, height: 900 });
  await changed.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "docs/screenshots/review-1440.png", fullPage: true });

  // 3. The editor revises: a comment line above; the push resets the verdict.
  await writeFile(file, NOTEBOOK.replace(itemsSql(20), `-- net prices\n${itemsSql(24)}`));
  await mine.reload();
  await mine.getByRole("button", { name: "Push working copy" }).click();
  await expect(mine.getByTestId("verdicts")).toContainText("(revision 1, reset)");
  await page.reload();
  await expect(page.getByTestId("gate")).toContainText("1 approval required, 0 given");
  await waitBuilt(page);
  // The comment was on a line the revision edited: it is marked outdated, not lost.
  await expect(changed.getByTestId("thread")).toHaveAttribute("data-outdated", "true");
  await expect(page.locator(`.changes-diff[data-asset="${items}"]`)).toContainText("amount: 20 → 24");

  // 4. The owner approves and promotes.
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("gate")).toContainText("Ready to promote");
  await page.getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("review-status")).toHaveText("promoted", { timeout: 30_000 });

  // 5. The catalog and the notebook's production history show the new version.
  const after = await productionVersion(page, items);
  expect(after).not.toBe(before);
  await expect(page.getByTestId("asset-review")).toContainText(`review #${number}`);
  await page.goto(`/notebooks/${slug}/changes`);
  const latest = page.getByTestId("promotion").first();
  await expect(latest.getByTestId("promotion-review")).toContainText(`review #${number}`);

  // 6. A rollback from the history restores the old data.
  await latest.getByRole("button", { name: "Roll back" }).click();
  await expect(page.getByTestId("promotion").first()).toContainText("rollback", { timeout: 30_000 });
  expect(await productionVersion(page, items)).toBe(before);
  await expect(page.getByTestId("samples")).toContainText("20");

  // 7. A read-only link, opened in a fresh context, writes nothing.
  await page.goto(`/reviews/${number}`);
  await page.getByRole("button", { name: "Share read-only" }).click();
  const url = await page.getByTestId("review-share-url").inputValue();
  const guest = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const shared = await guest.newPage();
  expect((await shared.goto(url))?.status()).toBe(200);
  await expect(shared.getByTestId("readonly-banner")).toBeVisible();
  await expect(shared.getByRole("heading", { name: /Item 2 costs 25/ })).toBeVisible();
  await expect(shared.getByTestId("review-cell").first()).toBeVisible();
  await expect(shared.getByRole("button")).toHaveCount(0);
  // No form to write in (Monaco's read-only diff keeps a textarea of its own for the keyboard).
  await expect(shared.locator("form")).toHaveCount(0);
  await expect(shared.getByRole("textbox", { name: /comment/i })).toHaveCount(0);
  const write = await guest.request.post(`/api/reviews/${number}/comments`, { data: { body: "sneaky" }, headers: { origin: ORIGIN } });
  expect(write.status()).toBe(401);
  await guest.close();
  await mine.close();
});

test("the review page reads on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/reviews?filter=all");
  await page.getByTestId("reviews-table").locator(`tr[data-review="${proposed}"]`).getByRole("link").click();
  await expect(page.getByTestId("review-status")).toHaveText("promoted");
  await expect(page.getByTestId("code-diff").first().locator(".monaco-diff-editor")).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: "docs/screenshots/review-390.png", fullPage: true });
});
