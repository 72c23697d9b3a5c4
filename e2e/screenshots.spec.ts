// Every page at 1440×900 and 390×844, into docs/screenshots/pages (looked at by people, not
// compared by the test). What the test asserts: each page answers without an error, shows
// the app shell (or none, for a visitor's pages), and never scrolls sideways on a phone.
import type { Page } from "@playwright/test";
import { z } from "zod";
import { expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

interface Shot {
  name: string;
  path: string;
  /** What shows once the page is there. */
  ready: (page: Page) => Promise<void>;
}

const heading = (name: string | RegExp) => async (page: Page) => {
  await expect(page.getByRole("heading", { level: 1, name }).first()).toBeVisible({ timeout: 30_000 });
};

async function shoot(page: Page, shot: Shot, shell: boolean) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    const response = await page.goto(shot.path);
    expect(response?.status(), shot.path).toBeLessThan(400);
    await shot.ready(page);
    await expect(page.getByTestId("shell-member")).toHaveCount(shell ? 1 : 0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${shot.path} at ${size.width} px scrolls sideways`).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `docs/screenshots/pages/${shot.name}-${size.width}.png`, fullPage: size.width < 1000 });
  }
}

const runsAnswer = z.object({ runs: z.array(z.object({ id: z.string() })) });
const reviewsAnswer = z.object({ reviews: z.array(z.object({ number: z.number() })) });

test("every page of a member, at desktop and phone sizes", async ({ page }) => {
  test.setTimeout(240_000);
  const runs = runsAnswer.parse(await (await page.request.get("/api/runs")).json()).runs;
  const reviews = reviewsAnswer.parse(await (await page.request.get("/api/reviews?filter=all")).json()).reviews;
  const shots: Shot[] = [
    { name: "home", path: "/", ready: heading("Pipelines as notebooks") },
    { name: "notebook", path: "/notebooks/shop", ready: async (p) => await expect(p.getByTestId("cell-state-orders")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 }) },
    { name: "changes", path: "/notebooks/shop/changes", ready: heading(/Changes/) },
    { name: "catalog", path: "/catalog", ready: heading("Catalog") },
    { name: "asset", path: "/catalog/daily_revenue", ready: heading("daily_revenue") },
    { name: "lineage", path: "/lineage", ready: heading("Lineage") },
    { name: "runs", path: "/runs", ready: heading("Runs") },
    ...(runs[0] ? [{ name: "run", path: `/runs/${runs[0].id}`, ready: heading(/Run/) }] : []),
    { name: "reviews", path: "/reviews?filter=all", ready: heading("Reviews") },
    ...(reviews[0] ? [{ name: "review", path: `/reviews/${reviews[0].number}`, ready: heading(/.+/) }] : []),
    { name: "settings", path: "/settings", ready: heading("Settings") },
    { name: "members", path: "/settings/members", ready: heading("Members") },
    { name: "share-links", path: "/settings/share-links", ready: heading("Share links") },
    { name: "secrets", path: "/settings/secrets", ready: heading("Secrets") },
  ];
  for (const shot of shots) await shoot(page, shot, true);

  // No dead ends: a notebook in production can be run from its page, and an asset links its notebook.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/notebooks/shop");
  await expect(page.getByTestId("run-in-production")).toBeVisible({ timeout: 30_000 });
  await page.goto("/catalog/daily_revenue");
  await expect(page.getByTestId("asset-notebook")).toHaveAttribute("href", "/notebooks/shop");
});

test("a visitor's pages have no workspace shell", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const signIn = async (p: Page) => await expect(p.getByRole("button", { name: "Sign in" })).toBeVisible();
  await shoot(page, { name: "login", path: "/login", ready: signIn }, false);
  await expect(page.getByRole("navigation", { name: "App" })).toHaveCount(0);
  await context.close();
});
