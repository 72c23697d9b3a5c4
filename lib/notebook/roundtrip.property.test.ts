import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHART_MARKS, formatIssue, formatNotebook, parseNotebook, serializeNotebook, type Notebook } from "./index";

const word = fc.stringMatching(/^[a-z][a-z0-9.,]{0,8}$/);
const line = fc.array(word, { minLength: 1, maxLength: 6 }).map((words) => words.join(" "));
const paragraph = fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => lines.join("\n"));
const prose = fc.array(paragraph, { minLength: 1, maxLength: 3 }).map((paragraphs) => paragraphs.join("\n\n"));
const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/);

const sqlBody = fc
  .record({
    checks: fc.option(fc.array(identifier, { minLength: 1, maxLength: 3 })),
    column: identifier,
    table: identifier,
  })
  .map(({ checks, column, table }) => {
    const header = checks ? [`-- checks: ${checks.map((c) => `not_null(${c})`).join(", ")}`] : [];
    return { body: [...header, `select ${column}`, `from ${table}`].join("\n"), checkCount: checks?.length ?? 0 };
  });

const chartBody = fc.record({ from: identifier, mark: fc.constantFrom(...CHART_MARKS), x: identifier }).map(({ from, mark, x }) => ({
  body: `from: ${from}\nmark: ${mark}\nx: ${x}`,
  checkCount: 0,
}));

const cellSpec = fc.record({
  proseBefore: fc.option(prose),
  kind: fc.constantFrom("sql" as const, "chart" as const),
  sql: sqlBody,
  chart: chartBody,
});

const notebookSpec = fc.record({
  title: fc.option(fc.string({ maxLength: 30 })),
  cells: fc.uniqueArray(fc.tuple(identifier, cellSpec), { maxLength: 6, selector: ([name]) => name }),
  proseAfter: fc.option(prose),
});

/** Text of a notebook from the generated parts, written in canonical form. */
function canonicalText(spec: typeof notebookSpec extends fc.Arbitrary<infer T> ? T : never): string {
  const blocks: string[] = [];
  if (spec.title !== null) blocks.push(`---\ntitle: ${JSON.stringify(spec.title)}\n---`);
  for (const [name, cell] of spec.cells) {
    if (cell.proseBefore !== null) blocks.push(cell.proseBefore);
    blocks.push(`\`\`\`${cell.kind} ${name}\n${cell[cell.kind].body}\n\`\`\``);
  }
  if (spec.proseAfter !== null) blocks.push(spec.proseAfter);
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}

function parsed(text: string): Notebook {
  const result = parseNotebook(text, "generated.md");
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
  return result.notebook;
}

describe("round trip (property)", () => {
  it("parse then serialize gives back a canonical notebook's bytes, with the cells it was built from", () => {
    fc.assert(
      fc.property(notebookSpec, (spec) => {
        const text = canonicalText(spec);
        const nb = parsed(text);
        expect(serializeNotebook(nb)).toBe(text);
        expect(nb.frontMatter.title).toBe(spec.title ?? undefined);
        const assets = nb.cells.flatMap((cell) => (cell.type === "asset" ? [{ kind: cell.kind, name: cell.name, body: cell.body, checks: cell.checks.length }] : []));
        expect(assets).toEqual(spec.cells.map(([name, cell]) => ({ kind: cell.kind, name, body: cell[cell.kind].body, checks: cell[cell.kind].checkCount })));
      }),
      { numRuns: 300 },
    );
  });

  it("serialize is stable: serializing a parsed serialization changes nothing", () => {
    fc.assert(
      fc.property(notebookSpec, fc.constantFrom("\n", "\r\n"), fc.integer({ min: 1, max: 3 }), (spec, newline, blankLines) => {
        // Make the text non-canonical: other line endings, more blank lines between blocks.
        const messy = canonicalText(spec).replaceAll("\n\n", "\n".repeat(blankLines + 1)).replaceAll("\n", newline);
        const once = serializeNotebook(parsed(messy));
        expect(once).toBe(canonicalText(spec));
        expect(serializeNotebook(parsed(once))).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

// Text made of the pieces that matter to the parser: fences, front matter lines, cell headers.
const piece = fc.constantFrom("```", "~~~", "````", "---", "sql a", "chart b", "ml", "sqll x", "from: t", "mark: line", "-- checks: not_null(x)", "select 1", " ", "\n", "\r\n", "x", ":", "[", "'");
const noisyText = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(""));

describe("robustness (property)", () => {
  it("never throws, and every issue has a 1-based position inside the file", () => {
    fc.assert(
      fc.property(noisyText, (text) => {
        const result = parseNotebook(text, "noisy.md");
        const lineCount = text.split(/\r\n|\r|\n/).length;
        for (const issue of result.ok ? [] : result.issues) {
          expect(issue.line).toBeGreaterThanOrEqual(1);
          expect(issue.line).toBeLessThanOrEqual(lineCount);
          expect(issue.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("formatting is idempotent", () => {
    fc.assert(
      fc.property(noisyText, (text) => {
        const once = formatNotebook(text, "noisy.md");
        if (!once.ok) return;
        expect(formatNotebook(once.text, "noisy.md")).toEqual({ ok: true, text: once.text, changed: false });
      }),
      { numRuns: 500 },
    );
  });
});
