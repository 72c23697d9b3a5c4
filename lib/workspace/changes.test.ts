import { describe, expect, it } from "vitest";
import { cellChanges, describeChanges } from "./changes";

const nb = (cells: Record<string, string>, title = "T") =>
  `---\ntitle: ${title}\n---\n\n` + Object.entries(cells).map(([name, sql]) => "```sql " + name + "\n" + sql + "\n```\n").join("\n");

describe("cellChanges", () => {
  it("names added, removed and changed cells against production", () => {
    const production = nb({ a: "select 1 as x", b: "select 2 as y", c: "select 3 as z" });
    const working = nb({ a: "select 1 as x", b: "select 20 as y", d: "select 4 as w" });
    const changes = cellChanges(production, working);
    expect(changes).toEqual({ added: ["d"], removed: ["c"], changed: ["b"], frontMatter: false });
    expect(describeChanges(changes, true)).toBe("3 cells changed since production");
  });

  it("a reformatted file with the same cells is the same; a new title is a settings change", () => {
    const production = nb({ a: "select 1 as x" });
    expect(describeChanges(cellChanges(production, production + "\n"), true)).toBe("Same as production");
    expect(describeChanges(cellChanges(production, nb({ a: "select 1 as x" }, "New")), true)).toBe("settings changed since production");
    expect(describeChanges(cellChanges(production, nb({ a: "select 2 as x" }, "New")), true)).toBe("1 cell and settings changed since production");
  });

  it("a notebook production has never had, and one that does not parse", () => {
    expect(describeChanges(cellChanges(null, nb({ a: "select 1" })), false)).toBe("Not in production yet");
    expect(cellChanges(nb({ a: "select 1" }), "```sql a\nselect 1\n```\n```sql a\nselect 2\n```\n")).toBeNull();
    expect(describeChanges(null, true)).toBe("Does not parse: not comparable with production");
  });
});
