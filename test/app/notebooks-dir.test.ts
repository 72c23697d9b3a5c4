// One configuration, one notebook source: with ASSETBOOK_NOTEBOOKS_DIR set, the editor's
// routes, the home page's list and the catalog sync all read and write that directory, and
// a notebook whose slug has an underscore is a notebook everywhere.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/app/_lib/server-context";
import { appEnv, editorToken, sandbox, type Sandbox } from "./runs-flow";

const DAILY = "---\ntitle: Daily sales\n---\n\n```sql daily_sales_total\nselect 42 as total\n```\n";

describe("the notebooks directory the configuration names", () => {
  let box: Sandbox;
  let context: AppContext;
  let token: string;

  beforeAll(async () => {
    box = await sandbox();
    await writeFile(path.join(box.notebooksDir, "daily_sales.md"), DAILY);
    delete process.env.DATABASE_URL;
    Object.assign(process.env, appEnv(box), { ASSETBOOK_CATALOG_DIR: "memory://notebooks-dir", ASSETBOOK_DATA_DIR: box.dir, ASSETBOOK_WORKERS: "off" });
    const { appContext } = await import("@/app/_lib/server-context");
    context = await appContext();
    token = await editorToken(context);
  });

  afterAll(async () => {
    await context?.store.close();
    await box?.remove();
  });

  const request = (method: string, slug: string, body?: unknown) =>
    new Request(`http://app.test/api/notebooks/${slug}`, { method, headers: { host: "app.test", authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it("the editor reads and saves notebooks in ASSETBOOK_NOTEBOOKS_DIR, not ./notebooks", async () => {
    const { GET, PUT } = await import("@/app/api/notebooks/[slug]/route");
    const read = await GET(request("GET", "daily_sales"), { params: Promise.resolve({ slug: "daily_sales" }) });
    expect(read.status).toBe(200);
    const file = (await read.json()) as { text: string; hash: string };
    expect(file.text).toBe(DAILY);
    const edited = DAILY.replace("42", "43");
    const saved = await PUT(request("PUT", "daily_sales", { text: edited, expectedHash: file.hash }), { params: Promise.resolve({ slug: "daily_sales" }) });
    expect(saved.status).toBe(200);
    expect(await readFile(path.join(box.notebooksDir, "daily_sales.md"), "utf8")).toBe(edited);
  });

  it("the home page lists them, and the catalog sync imports daily_sales.md", async () => {
    const { listNotebooks } = await import("@/app/notebooks");
    expect((await listNotebooks()).map((n) => n.slug).sort()).toEqual(["daily_sales", "tiny"]);
    const asset = await context.db.asset.findUnique({ where: { workspaceId_name: { workspaceId: context.workspaceId, name: "daily_sales_total" } }, include: { notebook: true } });
    expect(asset?.notebook?.slug).toBe("daily_sales");
  });
});
