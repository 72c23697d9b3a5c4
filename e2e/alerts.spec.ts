import { unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { verifySignature } from "../lib/alerts/payload";
import { webhookReceiver, type WebhookReceiver } from "../lib/alerts/test-receiver";
import { expect, test } from "./fixtures";

// Alerts in the app: the owner creates a rule on Settings · Alerts that sends a notebook's
// failed checks to a webhook on loopback and another to the inbox; a production run whose
// check fails (the Run button's parameter field makes the amount negative) reaches the receiver, signed with
// the secret the page shows; the rule's delivery history says sent, and the inbox has it.
const slug = `alerts-${Math.random().toString(36).slice(2, 8)}`;
const asset = `${slug.replace("-", "_")}_payments`;
const file = path.join(process.cwd(), "notebooks", `${slug}.md`);
const NOTEBOOK = `---
title: Alerts
params:
  amount: { type: integer, default: 5 }
---

\`\`\`sql ${asset}
-- checks: accepted_range(amount, min=0)
select 1 as id, {{ params.amount }} as amount
\`\`\`
`;

let receiver: WebhookReceiver;

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await writeFile(file, NOTEBOOK);
  receiver = await webhookReceiver();
});
test.afterAll(async () => {
  await unlink(file).catch(() => undefined);
  await receiver.close();
});

const runAnswer = z.object({ run: z.object({ id: z.string(), status: z.string() }) });

test("a failed check in production reaches the webhook, the delivery history and the inbox", async ({ page }) => {
  test.setTimeout(180_000);
  const hook = receiver.url;
  const received = receiver.received;

  // Into production through its Changes page.
  await page.goto(`/notebooks/${slug}/changes`);
  await page.getByRole("button", { name: "Build" }).click();
  await expect(page.getByTestId("build-status")).toHaveText("built", { timeout: 60_000 });
  await page.getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("promotion").first()).toContainText(slug, { timeout: 30_000 });

  // Two rules: the notebook's failed checks to the webhook, and to the inbox.
  await page.goto("/settings/alerts");
  for (const [name, destination] of [["checks to hook", "webhook"], ["checks to inbox", "inbox"]] as const) {
    const form = page.getByTestId("alert-rule-form");
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Scope").selectOption("notebook");
    await form.getByLabel("The notebook").fill(slug);
    await form.getByLabel("Check failed (error or warn)").check();
    await form.getByLabel("Destination").selectOption(destination);
    if (destination === "webhook") await form.getByLabel("Webhook URL").fill(hook);
    await form.getByRole("button", { name: "Save rule" }).click();
    await expect(page.getByTestId(`alert-rule-${name}`)).toBeVisible();
  }
  await page.getByRole("button", { name: "Show signing secret" }).click();
  const secret = (await page.getByTestId("signing-secret").innerText()).trim();
  expect(secret).toMatch(/^whsec_/);

  // A production run whose check fails: Run in production with the amount parameter set to -5.
  await page.goto(`/catalog/${asset}`);
  await expect(page.getByTestId("run-param-amount")).toHaveValue("5");
  await page.getByTestId("run-param-amount").fill("-5");
  await page.getByTestId("run-in-production").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await expect
    .poll(async () => runAnswer.parse(await (await page.request.get(`/api/runs/${runId}`)).json()).run.status, { timeout: 60_000, intervals: [500] })
    .toBe("failed");

  // At the receiver: signed with the page's secret, about this check.
  await expect.poll(() => received.length, { timeout: 30_000 }).toBeGreaterThan(0);
  const [request] = received;
  const body = request?.body ?? "";
  expect(verifySignature(secret, { signature: String(request?.headers["x-assetbook-signature"]), timestamp: String(request?.headers["x-assetbook-timestamp"]) }, body, new Date())).toBe(true);
  expect(JSON.parse(body)).toMatchObject({ kind: "triggered", event: "check_failed", asset, notebook: slug, dedup_key: `check_failed:${asset}:accepted_range(amount, min=0)` });
  expect(body).not.toContain("samples");

  // In the rule's history, sent; in the inbox, with the badge in the shell.
  await expect(async () => {
    await page.goto("/settings/alerts");
    await expect(page.getByTestId("alert-rule-checks to hook").getByTestId("delivery-history")).toContainText("sent", { timeout: 1_000 });
    await expect(page.getByTestId("alert-rule-checks to inbox").getByTestId("delivery-history")).toContainText("sent", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page.screenshot({ path: "docs/screenshots/alerts.png", fullPage: true });
  await expect(page.getByTestId("inbox-unread")).toBeVisible();
  await page.getByTestId("shell-inbox").click();
  await expect(page.getByTestId("inbox")).toContainText(`Check accepted_range(amount, min=0) on ${asset} failed`);
  await page.screenshot({ path: "docs/screenshots/inbox.png" });

  // Send test goes through the same delivery.
  await page.goto("/settings/alerts");
  const before = received.length;
  await page.getByTestId("alert-rule-checks to hook").getByTestId("send-test").click();
  await expect.poll(() => received.length, { timeout: 30_000 }).toBe(before + 1);
  expect(JSON.parse(received.at(-1)?.body ?? "{}")).toMatchObject({ kind: "test" });
});
