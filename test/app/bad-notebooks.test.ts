// One bad notebook (an alias bomb, a NUL character, over the size limit, a directory named
// like one) in the notebooks directory: the app still opens, `/` lists every notebook with
// the bad ones' problems, `/catalog` shows the good one's assets and names the bad ones; a
// page load with unchanged notebooks syncs nothing; saving a NUL is 422 and writes nothing.
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AppContext } from "@/app/_lib/server-context";
import { hashText } from "@/lib/workspace/notebook-files";
import { BAD_NOTEBOOKS, GOOD_NOTEBOOK, writeBadNotebookDir } from "@/lib/workspace/test-bad-notebooks";
import { appEnv, editorToken, sandbox, type Sandbox } from "./runs-flow";

// The real sync, counted: a page load with unchanged notebooks must not call it.
const sync = vi.hoisted(() => ({ calls: 0 }));
vi.mock("@/lib/catalog/sync-notebooks", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/catalog/sync-notebooks")>();
  return {
    ...original,
    syncNotebookFiles: (...args: Parameters<typeof original.syncNotebookFiles>) => {
      sync.calls += 1;
      return original.syncNotebookFiles(...args);
    },
  };
});

describe("bad notebooks in the app", () => {
  let box: Sandbox;
  let context: AppContext;
  let token: string;

  beforeAll(async () => {
    box = await sandbox();
    await writeBadNotebookDir(box.notebooksDir);
    delete process.env.DATABASE_URL;
    Object.assign(process.env, appEnv(box), { ASSETBOOK_CATALOG_DIR: "memory://bad-notebooks", ASSETBOOK_DATA_DIR: box.dir, ASSETBOOK_WORKERS: "off" });
    const { appContext } = await import("@/app/_lib/server-context");
    // Opening syncs every notebook: one that throws in the parser used to fail the whole app here.
    context = await appContext();
    token = await editorToken(context);
  });

  afterAll(async () => {
    await context?.store.close();
    await box?.remove();
  });

  it("the home page lists every notebook; each bad one by its slug, with its problem", async () => {
    const { listNotebooks } = await import("@/app/notebooks");
    const listed = await listNotebooks();
    expect(listed.map((n) => n.slug).sort()).toEqual(["bomb", "folder", "good", "huge", "nul", "tiny"]);
    const problems = Object.fromEntries(listed.map((n) => [n.slug, n.problem ?? null]));
    expect(problems).toEqual({
      bomb: expect.stringContaining(BAD_NOTEBOOKS.bomb),
      folder: `notebooks/folder.md: ${BAD_NOTEBOOKS.folder}`,
      good: null,
      huge: expect.stringContaining(BAD_NOTEBOOKS.huge),
      nul: `notebooks/nul.md:7:10: ${BAD_NOTEBOOKS.nul}`,
      tiny: null,
    });
  });

  it("/catalog shows the good notebooks' assets and names the bad ones; an unchanged page load syncs nothing", async () => {
    const { loadCatalog } = await import("@/app/_lib/catalog-data");
    const page = await loadCatalog({});
    expect(page.rows.map((r) => r.name)).toContain("good_asset");
    expect(page.rows.map((r) => r.name).filter((n) => ["nul_asset", "huge_asset"].includes(n))).toEqual([]);
    expect(page.notebookProblems).toEqual([
      `notebooks/folder.md: ${BAD_NOTEBOOKS.folder}`,
      expect.stringMatching(/^notebooks\/huge\.md: line \d+: the notebook is larger than 2 MiB/),
      expect.stringMatching(/^notebooks\/bomb\.md:5:8: front matter: YAML: aliases/),
      `notebooks/nul.md:7:10: ${BAD_NOTEBOOKS.nul}`,
    ]);

    const before = sync.calls;
    await Promise.all([loadCatalog({}), loadCatalog({ q: "good" }), loadCatalog({})]);
    expect(sync.calls).toBe(before);

    // A new notebook is in the catalog on the very next page load (no waiting out a timer).
    await writeFile(path.join(box.notebooksDir, "fresh.md"), GOOD_NOTEBOOK.replace("good_asset", "fresh_asset"));
    expect((await loadCatalog({})).rows.map((r) => r.name)).toContain("fresh_asset");
    expect(sync.calls).toBe(before + 1);
  });

  const request = (method: string, url: string, body: unknown) =>
    new Request(`http://app.test${url}`, { method, headers: { host: "app.test", authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  it("saving a notebook with a NUL character is 422 naming the line and column, and writes nothing", async () => {
    const { PUT } = await import("@/app/api/notebooks/[slug]/route");
    const file = path.join(box.notebooksDir, "good.md");
    const text = await readFile(file, "utf8");
    const response = await PUT(request("PUT", "/api/notebooks/good", { text: text.replace("select 1", "select '\u0000'"), expectedHash: hashText(text) }), { params: Promise.resolve({ slug: "good" }) });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: "the notebook cannot be read", issues: [{ file: "notebooks/good.md", line: 7, column: 9, message: BAD_NOTEBOOKS.nul }] });
    expect(await readFile(file, "utf8")).toBe(text);
  });

  it("creating a notebook whose title holds a NUL character is 422, and creates nothing", async () => {
    const { POST } = await import("@/app/api/notebooks/route");
    const before = await readdir(box.notebooksDir);
    const response = await POST(request("POST", "/api/notebooks", { title: "Bad\u0000title" }), { params: Promise.resolve({}) });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining("NUL") });
    expect(await readdir(box.notebooksDir)).toEqual(before);
  });
});
