// Members management in real Chromium: the owner invites by a one-time link, the invitee
// joins with the link's role and sees the shell with their name; the owner changes the
// role and removes the member, who is signed out at once; the last owner is protected.
import { expect, test } from "./fixtures";

test("invite by link, join, change the role, remove; the link works once and the last owner stays", async ({ page, browser }) => {
  await page.goto("/settings/members");
  await expect(page.getByRole("heading", { name: "Members", exact: true })).toBeVisible();
  const ownerRow = page.locator("tr[data-member='owner@example.com']");
  await expect(ownerRow.getByRole("combobox")).toBeDisabled();
  await expect(ownerRow.getByRole("button", { name: "Remove" })).toBeDisabled();

  await page.getByLabel("invitee email").fill("Ivy@Example.com");
  await page.getByLabel("invitee role").selectOption("editor");
  await page.getByTestId("create-invite").click();
  const link = (await page.getByTestId("invite-link").textContent()) ?? "";
  expect(link).toMatch(/\/invite\?token=[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("invites")).toContainText("ivy@example.com");
  await page.screenshot({ path: "docs/screenshots/members-1440.png", fullPage: true });

  const visitor = await browser.newContext();
  const invitee = await visitor.newPage();
  await invitee.goto(link);
  await expect(invitee.getByText("You are invited as an editor")).toBeVisible();
  // No workspace shell for a visitor on the invite page.
  await expect(invitee.getByTestId("shell-member")).toHaveCount(0);
  await expect(invitee.getByLabel("Email")).toHaveValue("ivy@example.com");
  await invitee.getByLabel("Name").fill("Ivy Invitee");
  await invitee.getByLabel("Password").fill("a long enough password");
  await invitee.getByRole("button", { name: "Create account and join" }).click();
  await expect(invitee).toHaveURL((url) => url.pathname === "/");
  await expect(invitee.getByTestId("shell-member")).toContainText("Ivy Invitee · editor");
  await expect(invitee.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Catalog" })).toBeVisible();

  // The link works once.
  const second = await browser.newContext();
  const again = await second.newPage();
  await again.goto(link);
  await expect(again.getByText("This invite link is invalid, expired, revoked or already used")).toBeVisible();
  await second.close();

  // The owner makes Ivy a viewer; Ivy's shell says so on her next page.
  await page.reload();
  const ivyRow = page.locator("tr[data-member='ivy@example.com']");
  await expect(ivyRow.getByRole("combobox")).toHaveValue("editor");
  await ivyRow.getByRole("combobox").selectOption("viewer");
  await expect(ivyRow.getByRole("combobox")).toHaveValue("viewer");
  await page.reload();
  await expect(page.locator("tr[data-member='ivy@example.com']").getByRole("combobox")).toHaveValue("viewer");
  await invitee.goto("/catalog");
  await expect(invitee.getByTestId("shell-member")).toContainText("Ivy Invitee · viewer");

  // Removed: Ivy is signed out at once.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.locator("tr[data-member='ivy@example.com']").getByRole("button", { name: "Remove" }).click();
  await expect(page.locator("tr[data-member='ivy@example.com']")).toHaveCount(0);
  await invitee.goto("/catalog");
  await expect(invitee).toHaveURL(/\/login\?next=%2Fcatalog/);
  await visitor.close();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole("heading", { name: "Members", exact: true })).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "docs/screenshots/members-390.png", fullPage: true });
});
