// What a notebook may hold before it is parsed: size, NUL characters, YAML aliases, nesting
// and issue counts. (NUL cases are built here: a NUL in a fixture file makes git treat it as binary.)
import { describe, expect, it } from "vitest";
import { formatIssue, formatNotebook, MAX_NOTEBOOK_BYTES, MAX_YAML_BYTES, parseNotebook } from "./index";
import { lineOverLimit, MAX_ISSUES_PER_TEXT } from "./limits";

const fence = "```";

function issuesOf(text: string): string[] {
  const result = parseNotebook(text, "nb.md");
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe("NUL characters", () => {
  it("are an issue at each one's line and column, wherever they are", () => {
    const text = ["---", "title: A\u0000B", "---", "", "Prose \u0000 here.", "", `${fence}sql a`, "select '\u0000' as x", fence, ""].join("\n");
    expect(issuesOf(text)).toEqual([
      "nb.md:2:9: a NUL character (U+0000) is not allowed in a notebook",
      "nb.md:5:7: a NUL character (U+0000) is not allowed in a notebook",
      "nb.md:8:9: a NUL character (U+0000) is not allowed in a notebook",
    ]);
  });

  it("count lines as the scanner does (CRLF, a lone CR) and columns after a byte order mark", () => {
    expect(issuesOf("\uFEFFab\u0000\r\nx\r\u0000")).toEqual(["nb.md:1:3: a NUL character (U+0000) is not allowed in a notebook", "nb.md:3:1: a NUL character (U+0000) is not allowed in a notebook"]);
  });

  it("are reported ten at a time, the rest counted", () => {
    const issues = issuesOf("\u0000".repeat(25));
    expect(issues).toHaveLength(10);
    expect(issues[9]).toBe("nb.md:1:10: a NUL character (U+0000) is not allowed in a notebook (15 more NUL characters after this one)");
  });

  it("make formatNotebook (every save) refuse the text", () => {
    const result = formatNotebook(`${fence}sql a\nselect 1\u0000\n${fence}\n`, "nb.md");
    expect(result).toEqual({ ok: false, issues: [{ file: "nb.md", line: 2, column: 9, message: "a NUL character (U+0000) is not allowed in a notebook" }] });
  });
});

describe("size", () => {
  it("a notebook over the limit is one issue at the line where it passes it, and nothing is parsed", () => {
    const line = `select 1 as x -- ${"padding ".repeat(10)}\n`;
    const lines = Math.ceil(MAX_NOTEBOOK_BYTES / line.length) + 10;
    const text = `${fence}sql a\n${line.repeat(lines)}${fence}\n`;
    const passesAt = 1 + Math.floor((MAX_NOTEBOOK_BYTES - `${fence}sql a\n`.length) / line.length) + 1;
    const result = parseNotebook(text, "nb.md");
    expect(result).toEqual({ ok: false, issues: [{ file: "nb.md", line: passesAt, column: 1, message: "the notebook is larger than 2 MiB (it passes the limit at this line); split it into smaller notebooks" }] });
    expect(formatNotebook(text, "nb.md").ok).toBe(false);
    // One character less than the limit is a notebook.
    expect(parseNotebook(`${fence}sql a\nselect 1\n${fence}\n`.padEnd(MAX_NOTEBOOK_BYTES, " "), "nb.md").ok).toBe(true);
  });

  it("counts UTF-8 bytes, not characters", () => {
    expect(lineOverLimit("é".repeat(6), 12)).toBeUndefined();
    expect(lineOverLimit("é".repeat(7), 12)).toBe(1);
    expect(lineOverLimit("a\n\u{1F600}\u{1F600}\u{1F600}", 12)).toBe(2);
  });

  it("front matter and each YAML cell have their own, smaller limit", () => {
    const big = `note: ${"x".repeat(MAX_YAML_BYTES)}`;
    expect(issuesOf(`---\ntitle: T\n${big}\n---\n`)).toEqual(["nb.md:3:1: front matter: YAML: larger than 64 KiB (it passes the limit at this line); keep front matter and cell configs small"]);
    expect(issuesOf(`${fence}chart c\nfrom: t\nmark: bar\n${big}\n${fence}\n`)).toEqual(['nb.md:4:1 cell "c": YAML: larger than 64 KiB (it passes the limit at this line); keep front matter and cell configs small']);
  });
});

describe("YAML", () => {
  it("an alias bomb is an issue, not an exception", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(", ")}]`)];
    expect(() => parseNotebook(`---\n${bomb.join("\n")}\n---\n`, "nb.md")).not.toThrow();
    expect(issuesOf(`---\n${bomb.join("\n")}\n---\n`)).toEqual(["nb.md:3:8: front matter: YAML: aliases (*name) expand too much (more than 100 uses, weighted by what they point at); write the values out"]);
  });

  it("a few aliases are fine", () => {
    const text = ["---", "title: T", "tags: &t [daily, core]", "x_tags: *t", "---", ""].join("\n");
    expect(issuesOf(text)).toEqual([]);
  });

  it("nesting is refused before the YAML library recurses into it", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(issuesOf(`---\ntitle: T\nx: ${deep}\n---\n`)).toEqual(["nb.md:3:67: front matter: YAML: nested deeper than 64 levels"]);
    // Block nesting, one more space per level: half the indentation counts.
    const block = Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(issuesOf(`---\n${block} 1\n---\n`)).toEqual(["nb.md:129:129: front matter: YAML: nested deeper than 64 levels"]);
    // Brackets inside quoted and block scalars are text, not nesting.
    const quoted = ["---", `title: "${"[".repeat(200)}"`, "about: |", `  ${"{".repeat(200)}`, "---", ""].join("\n");
    expect(issuesOf(quoted)).toEqual([]);
  });

  it("a duplicate key is reported at the repeated key (found in one pass)", () => {
    expect(issuesOf(["---", "title: A", "owners: []", "title: B", "---", ""].join("\n"))).toEqual(["nb.md:4:1: front matter: YAML: Map keys must be unique"]);
    expect(issuesOf([`${fence}chart c`, "from: t", "mark: bar", "x: { a: 1, a: 2 }", fence].join("\n"))).toEqual(['nb.md:4:12 cell "c": YAML: Map keys must be unique']);
  });

  it("thousands of problems in one config are reported as the first few and a count", () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `key${i}: ${i}`);
    const issues = issuesOf([`${fence}chart c`, "from: t", "mark: bar", ...keys, fence].join("\n"));
    expect(issues).toHaveLength(MAX_ISSUES_PER_TEXT + 1);
    expect(issues[0]).toBe(`nb.md:1:1 cell "c": ${3000 - MAX_ISSUES_PER_TEXT} more problems not shown`);
    expect(issues[1]).toBe('nb.md:4:1 cell "c": key0: unknown key "key0"');
    const duplicates = issuesOf(["---", ...Array.from({ length: 500 }, (_, i) => `k: ${i}`), "---", ""].join("\n"));
    expect(duplicates).toHaveLength(MAX_ISSUES_PER_TEXT + 1);
    expect(duplicates.at(-1)).toBe(`nb.md:${MAX_ISSUES_PER_TEXT + 2}:1: front matter: YAML: ${499 - MAX_ISSUES_PER_TEXT} more problems not shown`);
  });

  it("a missing discriminator is required, not 'undefined undefined'", () => {
    expect(issuesOf([`${fence}extract e`, "path: x", fence].join("\n"))).toEqual(['nb.md:1:1 cell "e": source: required: one of rest, file']);
  });
});
