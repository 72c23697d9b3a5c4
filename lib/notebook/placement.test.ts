// Where assets are placed: `schema:` in the front matter, `-- schema:` on a SQL cell, the
// `schema` key of an extract or ML cell; bad and reserved names are errors at their place.
import { describe, expect, it } from "vitest";
import { parseNotebook } from "./parse";
import { assetSchemaOf, placeCells } from "./placement";
import { formatIssue } from "./types";

const fence = "```";

describe("asset placement", () => {
  const text = ["---", "schema: staging", "---", "", `${fence}sql a`, "select 1 as x", fence, "", `${fence}sql b`, "-- schema: marts", "select 1 as x", fence, "", `${fence}extract e`, "source: file", "path: e.csv", "schema: raw_zone", fence, "", `${fence}chart c`, "from: a", "mark: bar", "x: x", "y: x", fence, ""].join("\n");

  it("is the cell's own schema, else the notebook's; a chart has no table to place", () => {
    const parsed = parseNotebook(text, "nb.md");
    if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
    const placed = Object.fromEntries(parsed.notebook.cells.flatMap((cell) => (cell.type === "asset" ? [[cell.name, assetSchemaOf(cell, parsed.notebook.frontMatter) ?? null]] : [])));
    expect(placed).toEqual({ a: "staging", b: "marts", e: "raw_zone", c: null });
    // As it runs, every cell names its schema itself.
    const stamped = placeCells(parsed.notebook).cells.flatMap((cell) => (cell.type === "asset" && cell.kind !== "chart" ? [[cell.name, cell.config.schema]] : []));
    expect(Object.fromEntries(stamped)).toEqual({ a: "staging", b: "marts", e: "raw_zone" });
  });

  it("refuses a bad or reserved schema at its place", () => {
    const issues = (source: string) => {
      const parsed = parseNotebook(source, "nb.md");
      return parsed.ok ? [] : parsed.issues.map(formatIssue);
    };
    expect(issues(["---", "schema: Staging", "---", ""].join("\n"))).toEqual([expect.stringMatching(/^nb\.md:2:\d+: schema: a schema is 1-40 lowercase letters/)]);
    expect(issues([`${fence}sql a`, "-- schema: _assetbook_v", "select 1", fence].join("\n"))).toEqual([expect.stringMatching(/^nb\.md:2:\d+ cell "a": schema: "_assetbook_v" is reserved/)]);
    expect(issues([`${fence}extract e`, "source: file", "path: e.csv", "schema: env__x", fence].join("\n"))).toEqual([expect.stringMatching(/^nb\.md:4:\d+ cell "e": schema: "env__x" is reserved/)]);
  });
});
