// Workspace, catalog and lineage in real Chromium: first-run setup, login, the catalog,
// lineage, a share link opened with no session, and its revocation.
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { OWNER } from "./owner";

const SERVER_LOG = "data/e2e/server.log";
const SECRET_VALUE = "e2e-secret-value-8d1f0c";
const shots = (name: string) => `docs/screenshots/${name}.png`;

async function setupLink(): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const log = await readFile(SERVER_LOG, "utf8").catch(() => "");
    const match = /(\/setup\?token=[A-Za-z0-9_-]+)/.exec(log);
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("no setup link in the server log");
}

async function signIn(page: Page, password = OWNER.password) {
  await page.goto("/login?next=/catalog");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe.configure({ mode: "serial" });

test("first-run setup, then login (a wrong password is refused)", async ({ page, browser }) => {
  // Signed out, the catalog sends you to the login page.
  await page.goto("/catalog");
  await expect(page).toHaveURL(/\/login\?next=%2Fcatalog/);

  await page.goto(await setupLink());
  await page.getByLabel("Name").fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/catalog");
  await expect(page.getByRole("heading", { name: "Catalog" })).toBeVisible();

  // The setup link works once.
  await page.goto(await setupLink());
  await expect(page.getByText("already set up")).toBeVisible();

  await page.goto("/catalog");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // A wrong password, in a separate page (the browser logs the 401 as a console error).
  const other = await browser.newContext();
  const wrong = await other.newPage();
  await signIn(wrong, "not the password");
  await expect(wrong.locator("p[role=alert]")).toHaveText("wrong email or password");
  await other.close();
  await signIn(page);
  await expect(page).toHaveURL((url) => url.pathname === "/catalog");
});

test("browse the catalog, an asset and the lineage; share an asset read-only; revoke it", async ({ page, browser }) => {
  await signIn(page);
  await expect(page).toHaveURL((url) => url.pathname === "/catalog");
  const table = page.getByTestId("catalog-table");
  await expect(table.locator("tr[data-asset='daily_revenue']")).toBeVisible();
  await expect(table.locator("tr[data-asset='activities']")).toBeVisible();
  await page.screenshot({ path: shots("catalog"), fullPage: true });

  // Filters: kind and search.
  await page.getByLabel("Kind").selectOption("chart");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=chart/);
  await expect(table.locator("tr[data-asset]")).not.toHaveCount(0);
  for (const kind of await table.locator("tr[data-asset] td:nth-child(2)").allTextContents()) expect(kind).toBe("chart");
  await page.getByLabel("Kind").selectOption("");
  await page.getByLabel("Search").fill("daily_rev");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(table.locator("tr[data-asset]")).toHaveCount(1);

  await table.getByRole("link", { name: "daily_revenue" }).click();
  await expect(page.getByRole("heading", { name: "daily_revenue" })).toBeVisible();
  await expect(page.getByTestId("schema")).toContainText("revenue");
  await expect(page.getByTestId("row-count")).toHaveText("365");
  await expect(page.getByTestId("upstream")).toContainText("orders");
  await expect(page.getByTestId("cell-code")).toContainText("```sql daily_revenue");
  await expect(page.getByTestId("samples")).toBeVisible();
  await page.screenshot({ path: shots("asset"), fullPage: true });

  await page.getByRole("link", { name: "Lineage" }).first().click();
  await expect(page.getByTestId("lineage").locator("svg").first()).toBeVisible();
  await page.screenshot({ path: shots("lineage"), fullPage: true });
  await page.getByTestId("lineage").getByText("top_customers", { exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/top_customers$/);

  // A secret, set by the owner: only its name comes back.
  await page.goto("/settings/secrets");
  await page.getByLabel("Name").fill("SHOP_TOKEN");
  await page.getByLabel("Value").fill(SECRET_VALUE);
  await page.getByRole("button", { name: "Set secret" }).click();
  await expect(page.getByTestId("secrets")).toContainText("SHOP_TOKEN");
  expect(await page.content()).not.toContain(SECRET_VALUE);

  // Share the asset page (no samples).
  await page.goto("/catalog/daily_revenue");
  await page.getByTestId("share-open").click();
  await page.getByLabel("expiry in hours").fill("24");
  await page.getByTestId("share-create").click();
  const url = await page.getByTestId("share-url").textContent();
  if (!url) throw new Error("no share url");
  const token = url.split("/share/")[1] ?? "";
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // A fresh context: no session, no cookies.
  const guest = await browser.newContext();
  const shared = await guest.newPage();
  const response = await shared.goto(url);
  expect(response?.status()).toBe(200);
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(shared.getByTestId("readonly-banner")).toBeVisible();
  await expect(shared.getByRole("heading", { name: "daily_revenue" })).toBeVisible();
  await expect(shared.getByTestId("schema")).toContainText("revenue");
  // No edit controls, no navigation into the workspace, no samples (not allowed).
  await expect(shared.getByRole("button")).toHaveCount(0);
  await expect(shared.locator("input, textarea, select, form")).toHaveCount(0);
  await expect(shared.getByTestId("samples")).toHaveCount(0);
  await expect(shared.locator("a[href^='/catalog/']")).toHaveCount(0);
  await shared.screenshot({ path: shots("shared"), fullPage: true });
  // The token opens no API.
  const write = await guest.request.post("/api/share-links", { data: { target: "catalog" }, headers: { authorization: `Share ${token}` } });
  expect(write.status()).toBe(403);

  // Revoke, and the very next request is 404.
  await page.goto("/settings/share-links");
  await page.getByTestId("revoke").first().click();
  await expect(page.getByTestId("share-links")).toContainText("revoked");
  expect((await guest.request.get(url)).status()).toBe(404);
  await guest.close();

  // Neither the secret nor the share token reached the server log.
  const log = await readFile(SERVER_LOG, "utf8");
  expect(log).not.toContain(SECRET_VALUE);
  expect(log).not.toContain(token);
});
