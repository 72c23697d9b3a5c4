import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatNotebook, parseNotebook } from "../notebook";
import { createNotebook, deleteNotebook, hashText, listNotebooks, readNotebook, readNotebookDir, saveNotebook, slugOfFileName } from "./notebook-files";
import { InvalidSlugError, isSlug, slugify } from "./slug";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ab-workspace-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const canonical = "---\ntitle: Shop\n---\n\nHello.\n\n```sql a\nselect 1 as x\n```\n";

describe("slugs", () => {
  it("validates and slugifies", () => {
    expect(isSlug("shop")).toBe(true);
    expect(isSlug("e2e-ab_1")).toBe(true);
    for (const bad of ["", "-x", "_x", "Shop", "a/b", "../x", "a.md", "x".repeat(65)]) expect(isSlug(bad)).toBe(false);
    expect(slugify("  Café Revenue: Q1 / 2024! ")).toBe("cafe-revenue-q1-2024");
    expect(slugify("???")).toBe("notebook");
    expect(isSlug(slugify("x".repeat(200)))).toBe(true);
  });
});

describe("notebook files", () => {
  it("lists notebooks with their titles, skipping names that are not slugs", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    await writeFile(path.join(dir, "plain.md"), "Just prose.\n");
    await writeFile(path.join(dir, "Bad Name.md"), canonical);
    await writeFile(path.join(dir, "notes.txt"), "x");
    expect(await listNotebooks(dir)).toEqual([
      { slug: "plain", file: "notebooks/plain.md", title: "plain" },
      { slug: "shop", file: "notebooks/shop.md", title: "Shop" },
    ]);
    expect(await listNotebooks(path.join(dir, "missing"))).toEqual([]);
  });

  it("reads with a sha256 hash; a missing notebook is null; a bad slug throws", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    expect(await readNotebook(dir, "shop")).toEqual({ text: canonical, hash: hashText(canonical) });
    expect(hashText(canonical)).toMatch(/^[0-9a-f]{64}$/);
    expect(await readNotebook(dir, "nope")).toBeNull();
    await expect(readNotebook(dir, "../etc/passwd")).rejects.toBeInstanceOf(InvalidSlugError);
  });

  it("saves canonical text when the hash matches, and leaves no temp file", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    const messy = canonical.replace("Hello.", "Hello.   \n\n\n\nMore.") + "\n\n";
    const result = await saveNotebook(dir, "shop", messy, hashText(canonical));
    expect(result.ok).toBe(true);
    const onDisk = await readFile(path.join(dir, "shop.md"), "utf8");
    expect(result).toEqual({ ok: true, hash: hashText(onDisk), text: onDisk });
    const format = formatNotebook(onDisk, "shop.md");
    expect(format.ok && format.changed).toBe(false);
    expect(parseNotebook(onDisk, "shop.md").ok).toBe(true);
    expect(onDisk).toContain("Hello.\n\nMore.");
    expect(await readdir(dir)).toEqual(["shop.md"]);
  });

  it("refuses to overwrite a file that changed since it was read", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    const theirs = canonical.replace("Hello.", "Theirs.");
    await writeFile(path.join(dir, "shop.md"), theirs);
    const result = await saveNotebook(dir, "shop", canonical.replace("Hello.", "Mine."), hashText(canonical));
    expect(result).toEqual({ ok: false, conflict: { currentText: theirs, currentHash: hashText(theirs) } });
    expect(await readFile(path.join(dir, "shop.md"), "utf8")).toBe(theirs);
  });

  it("reports a deleted file as a conflict, and creates only when expecting none", async () => {
    const deleted = await saveNotebook(dir, "gone", canonical, hashText(canonical));
    expect(deleted).toEqual({ ok: false, conflict: { currentText: null, currentHash: null } });
    expect((await saveNotebook(dir, "gone", canonical, null)).ok).toBe(true);
    expect((await saveNotebook(dir, "gone", canonical, null)).ok).toBe(false);
  });

  it("two saves from the same base: one wins, the other gets a conflict", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    const base = hashText(canonical);
    const results = await Promise.all([
      saveNotebook(dir, "shop", canonical.replace("Hello.", "One."), base),
      saveNotebook(dir, "shop", canonical.replace("Hello.", "Two."), base),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && "conflict" in r)).toHaveLength(1);
  });

  it("refuses text whose structure cannot be read, with its issues, and writes nothing", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    const result = await saveNotebook(dir, "shop", "```sql a\nselect 1\n", hashText(canonical));
    expect(result.ok).toBe(false);
    expect("issues" in result && result.issues[0]?.file).toBe("notebooks/shop.md");
    expect(await readFile(path.join(dir, "shop.md"), "utf8")).toBe(canonical);
  });

  it("creates notebooks with unique slugs and canonical, parseable text", async () => {
    expect(await createNotebook(dir, "Weekly Revenue")).toBe("weekly-revenue");
    expect(await createNotebook(dir, "Weekly revenue!")).toBe("weekly-revenue-2");
    expect(await createNotebook(dir, "title: with: colons")).toBe("title-with-colons");
    const created = await readNotebook(dir, "title-with-colons");
    const parsed = parseNotebook(created?.text ?? "", "x.md");
    expect(parsed.ok && parsed.notebook.frontMatter.title).toBe("title: with: colons");
    const format = formatNotebook(created?.text ?? "", "x.md");
    expect(format.ok && format.changed).toBe(false);
    await expect(createNotebook(dir, "  ")).rejects.toThrow(/title/);
    expect((await readdir(dir)).sort()).toEqual(["title-with-colons.md", "weekly-revenue-2.md", "weekly-revenue.md"]);
  });
});

describe("the notebook source", () => {
  it("one slug rule: daily_sales.md is a notebook; other .md files are named as ignored, dot files are not", async () => {
    await writeFile(path.join(dir, "daily_sales.md"), canonical);
    await writeFile(path.join(dir, "README.md"), "# not a notebook\n");
    await writeFile(path.join(dir, ".shop.md.abc.tmp"), "temp");
    await writeFile(path.join(dir, "notes.txt"), "text");
    const { notebooks, ignored } = await readNotebookDir(dir);
    expect(notebooks).toEqual([{ slug: "daily_sales", file: "notebooks/daily_sales.md", text: canonical }]);
    expect(ignored).toEqual([{ file: "notebooks/README.md", reason: expect.stringMatching(/^not a notebook name: lowercase letters/) }]);
    expect([slugOfFileName("daily_sales.md"), slugOfFileName("README.md"), slugOfFileName("x.txt")]).toEqual(["daily_sales", null, null]);
    expect(await readNotebookDir(path.join(dir, "missing"))).toEqual({ notebooks: [], ignored: [] });
  });

  it("deletes a notebook only over the version it was read from", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    expect(await deleteNotebook(dir, "shop", hashText("something else"))).toBe(false);
    expect(await readNotebook(dir, "shop")).not.toBeNull();
    expect(await deleteNotebook(dir, "shop", hashText(canonical))).toBe(true);
    expect(await readNotebook(dir, "shop")).toBeNull();
    expect(await deleteNotebook(dir, "shop", hashText(canonical))).toBe(false);
    await expect(deleteNotebook(dir, "../shop", hashText(canonical))).rejects.toBeInstanceOf(InvalidSlugError);
  });
});
