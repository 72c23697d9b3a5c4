import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "./fixtures";

const notebooksDir = path.join(process.cwd(), "notebooks");

/** Titles of notebooks/*.md as written on disk (front matter `title:`, else the file name). */
async function notebookTitlesOnDisk(): Promise<string[]> {
  const names = await readdir(notebooksDir).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((name) => name.endsWith(".md"))
      .map(async (name) => {
        const source = await readFile(path.join(notebooksDir, name), "utf8");
        const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1] ?? "";
        const title = /^title:\s*(.*?)\s*$/m.exec(frontMatter)?.[1];
        return title ? title.replace(/^(["'])(.*)\1$/, "$2") : name.slice(0, -".md".length);
      }),
  );
}

test("home page introduces Assetbook, lists the notebooks and the CLI", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);

  await expect(page).toHaveTitle("Assetbook");
  await expect(page.getByRole("link", { name: "Assetbook" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText(/writes pipelines as notebooks/)).toBeVisible();

  const list = page.getByTestId("notebook-list");
  await expect(list).toBeVisible();
  const titles = await notebookTitlesOnDisk();
  for (const title of titles) {
    await expect(list.getByText(title, { exact: true })).toBeVisible();
  }
  if (titles.length > 0) {
    await expect(list.getByRole("listitem")).toHaveCount(titles.length);
  }

  const cli = page.getByRole("region", { name: "Command line" });
  await expect(cli).toBeVisible();
  for (const command of ["check", "run", "fmt"]) {
    await expect(cli.getByText(`npx assetbook ${command}`)).toBeVisible();
  }

  await page.waitForLoadState("networkidle");
});
