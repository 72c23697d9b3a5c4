import fs from "node:fs";
import path from "node:path";
import { parseNotebookIn } from "./apply-workspace";
import { emptyWorkspace } from "./workspace-file";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden";
import { formatIssue, formatNotebook, parseNotebook, serializeNotebook, type Notebook } from "./index";

const fixtures = path.join(import.meta.dirname, "__fixtures__");
const markdownIn = (folder: string) =>
  fs
    .readdirSync(path.join(fixtures, folder))
    .filter((name) => name.endsWith(".md") && !name.includes("-changed"))
    .sort();

// These inputs are deliberately not in canonical form; the others must round-trip byte for byte.
const NON_CANONICAL = new Set(["non-canonical.md", "tilde-fences.md"]);

/** The parsed structure, without the bodies (the .md golden holds them) to keep diffs readable. */
function structure(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    if (cell.type === "prose") return cell;
    const { body, ...rest } = cell;
    return { ...rest, bodyLines: body.split("\n").length };
  });
  return `${JSON.stringify({ frontMatter: nb.frontMatter, frontMatterText: nb.frontMatterText, cells }, null, 2)}\n`;
}

describe("notebook fixtures", () => {
  it("has the fixtures the format promises to cover", () => {
    expect(markdownIn("input")).toEqual(expect.arrayContaining(["rides.md", "sql-only.md", "prose-code.md", "non-canonical.md", "tilde-fences.md"]));
  });

  for (const name of markdownIn("input")) {
    describe(name, () => {
      const file = `notebooks/${name}`;
      const text = fs.readFileSync(path.join(fixtures, "input", name), "utf8");
      const result = parseNotebook(text, file);

      it("parses without issues", () => {
        expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([]);
      });

      it("matches the structure and serialization goldens", () => {
        if (!result.notebook) throw new Error("no notebook");
        const base = path.join(fixtures, "output", name.replace(/\.md$/, ""));
        expectGolden(`${base}.json`, structure(result.notebook));
        expectGolden(`${base}.md`, serializeNotebook(result.notebook));
      });

      it(NON_CANONICAL.has(name) ? "serializes to a canonical form that is stable" : "serializes back to the same bytes", () => {
        if (!result.notebook) throw new Error("no notebook");
        const serialized = serializeNotebook(result.notebook);
        if (NON_CANONICAL.has(name)) expect(serialized).not.toBe(text);
        else expect(serialized).toBe(text);
        const again = parseNotebook(serialized, file);
        expect(again.ok).toBe(true);
        if (again.notebook) expect(serializeNotebook(again.notebook)).toBe(serialized);
        const formatted = formatNotebook(text, file);
        expect(formatted).toEqual({ ok: true, text: serialized, changed: NON_CANONICAL.has(name) });
      });
    });
  }
});

describe("error fixtures", () => {
  for (const name of markdownIn("errors")) {
    it(`reports every problem in ${name}`, () => {
      const text = fs.readFileSync(path.join(fixtures, "errors", name), "utf8");
      // As `assetbook check` reads it: a check that is not built in is resolved against the (empty) workspace.
      const result = parseNotebookIn(text, `notebooks/${name}`, emptyWorkspace());
      expect(result.ok).toBe(false);
      const report = result.ok ? "" : result.issues.map(formatIssue).join("\n");
      expectGolden(path.join(fixtures, "errors", name.replace(/\.md$/, ".txt")), `${report}\n`);
    });
  }
});
