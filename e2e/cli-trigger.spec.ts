// `assetbook trigger` against the running app: the owner creates an API token on /settings
// (shown once), the real CLI runs notebooks/shop.md in production with it and exits 0 when
// the run succeeds; /runs lists the run as triggered by cli. Revoked, the token gets 401
// (exit 2), and it never reaches the server log.
import { readFileSync } from "node:fs";
import { assetbook } from "./cli";
import { expect, test } from "./fixtures";

const SERVER_LOG = "data/e2e/server.log";

test("create an API token on /settings, trigger shop.md from the CLI with it, see the run succeed", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  if (!baseURL) throw new Error("baseURL is not set");
  // Unique, so a reused server's earlier tokens do not match.
  const name = `e2e cli ${Date.now()}`;
  await page.goto("/settings");
  const tokens = page.getByTestId("api-tokens");
  await tokens.getByLabel("token name").fill(name);
  await tokens.getByTestId("create-token").click();
  const shown = tokens.getByTestId("new-token");
  await expect(shown).toHaveText(/^ab_[A-Za-z0-9_-]{43}$/);
  const token = (await shown.textContent()) ?? "";
  const row = tokens.locator(`tr[data-token='${name}']`);
  await expect(row).toContainText("active");

  const run = await assetbook(["trigger", "notebooks/shop.md", "--server", baseURL], { ASSETBOOK_TOKEN: token });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  const runId = /\/runs\/([0-9a-f-]{36})/.exec(run.stdout)?.[1] ?? "";
  expect(runId).not.toBe("");
  expect(run.stdout).toContain("triggered by cli");
  expect(run.stdout).toContain(`run ${runId} succeeded`);
  expect(`${run.stdout}${run.stderr}`).not.toContain(token);

  await page.goto("/runs?status=succeeded&notebook=shop");
  const listed = page.locator(`tr[data-run='${runId}']`);
  await expect(listed).toBeVisible();
  await expect(listed).toContainText("cli");

  // Revoked from the same page: the CLI is refused with a clear message and exit code 2.
  await page.goto("/settings");
  await row.getByTestId("revoke-token").click();
  await expect(row).toContainText("revoked");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: "docs/screenshots/settings.png", fullPage: true });
  const refused = await assetbook(["trigger", "shop", "--server", baseURL, "--no-wait"], { ASSETBOOK_TOKEN: token });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("ASSETBOOK_TOKEN is missing, revoked or expired");

  expect(readFileSync(SERVER_LOG, "utf8")).not.toContain(token);
});
