import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatNotebook, parseNotebook } from "../notebook";
import { createNotebook, deleteNotebook, hashText, InvalidTitleError, listNotebooks, notebookDirStamp, readNotebook, readNotebookDir, saveNotebook, slugOfFileName } from "./notebook-files";
import { BAD_NOTEBOOKS, GOOD_NOTEBOOK, writeBadNotebookDir } from "./test-bad-notebooks";
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
    expect(await readNotebookDir(path.join(dir, "missing"))).toEqual({ notebooks: [], workspace: null, ignored: [] });
  });

  it("reads the workspace file beside the notebooks", async () => {
    expect((await readNotebookDir(dir)).workspace).toBeNull();
    await writeFile(path.join(dir, "assetbook.yml"), "vars: { a: 1 }\n");
    const read = await readNotebookDir(dir);
    expect(read.workspace).toBe("vars: { a: 1 }\n");
    expect(read.ignored).toEqual([]);
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

describe("one bad notebook does not take the others down", () => {
  /** The line the parser names for huge.md: the reader, which does not read it whole, names the same. */
  const hugeLine = async () => {
    const parsed = parseNotebook(await readFile(path.join(dir, "huge.md"), "utf8"), "notebooks/huge.md");
    return parsed.ok ? 0 : parsed.issues[0]?.line;
  };

  it("readNotebookDir reads the good one and names each bad file it cannot read, without reading a huge one whole", async () => {
    await writeBadNotebookDir(dir);
    const { notebooks, ignored } = await readNotebookDir(dir);
    // The alias bomb and the NUL notebook are text: their parse reports them (below).
    expect(notebooks.map((n) => n.slug)).toEqual(["bomb", "good", "nul"]);
    expect(ignored).toEqual([
      { slug: "folder", file: "notebooks/folder.md", reason: "not a file" },
      { slug: "huge", file: "notebooks/huge.md", reason: `line ${await hugeLine()}: the notebook is larger than 2 MiB (${(await stat(path.join(dir, "huge.md"))).size} bytes; it passes the limit at this line); split it into smaller notebooks` },
    ]);
  });

  it("listNotebooks (the home page) lists every notebook, each bad one with its problem naming file and line", async () => {
    await writeBadNotebookDir(dir);
    const listed = await listNotebooks(dir);
    expect(listed.map((n) => [n.slug, n.title])).toEqual([
      ["bomb", "bomb"],
      ["folder", "folder"],
      ["good", "Good"],
      ["huge", "huge"],
      ["nul", "Nul"],
    ]);
    const problems = Object.fromEntries(listed.map((n) => [n.slug, n.problem]));
    expect(problems.good).toBeUndefined();
    expect(problems.bomb).toMatch(/^notebooks\/bomb\.md:5:8: front matter: YAML: aliases \(\*name\) expand too much/);
    expect(problems.nul).toBe(`notebooks/nul.md:7:10: ${BAD_NOTEBOOKS.nul}`);
    expect(problems.huge).toContain(`notebooks/huge.md: line ${await hugeLine()}: ${BAD_NOTEBOOKS.huge}`);
    expect(problems.folder).toBe("notebooks/folder.md: not a file");
  });

  it("refuses to save text with a NUL character (writes nothing) and a title with one", async () => {
    await writeFile(path.join(dir, "shop.md"), canonical);
    const result = await saveNotebook(dir, "shop", canonical.replace("Hello.", "Hel\u0000lo."), hashText(canonical));
    expect(result).toEqual({ ok: false, issues: [{ file: "notebooks/shop.md", line: 5, column: 4, message: BAD_NOTEBOOKS.nul }] });
    expect(await readFile(path.join(dir, "shop.md"), "utf8")).toBe(canonical);
    await expect(createNotebook(dir, "Bad\u0000title")).rejects.toBeInstanceOf(InvalidTitleError);
    expect(await readdir(dir)).toEqual(["shop.md"]);
  });

  it("refuses to save a notebook over the size limit", async () => {
    const huge = `${canonical}${"More prose to pass the limit.\n\n".repeat(80_000)}`;
    const result = await saveNotebook(dir, "big", huge, null);
    expect("issues" in result && result.issues.map((i) => i.message)).toEqual([expect.stringContaining(BAD_NOTEBOOKS.huge)]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("the directory stamp changes when a notebook is written, renamed in place or added, and not otherwise", async () => {
    await writeFile(path.join(dir, "good.md"), GOOD_NOTEBOOK);
    const first = await notebookDirStamp(dir);
    expect(await notebookDirStamp(dir)).toBe(first);
    await writeFile(path.join(dir, "notes.txt"), "not a notebook");
    expect(await notebookDirStamp(dir)).toBe(first);
    // A save: a new file renamed over the old one, same size.
    await writeFile(path.join(dir, ".good.tmp"), GOOD_NOTEBOOK.replace("Good", "Goo2"));
    await rename(path.join(dir, ".good.tmp"), path.join(dir, "good.md"));
    const saved = await notebookDirStamp(dir);
    expect(saved).not.toBe(first);
    await writeFile(path.join(dir, "other.md"), GOOD_NOTEBOOK);
    expect(await notebookDirStamp(dir)).not.toBe(saved);
    expect(await notebookDirStamp(path.join(dir, "missing"))).toBe("");
  });
});
