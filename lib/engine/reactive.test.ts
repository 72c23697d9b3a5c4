import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { ReactiveSession } from "./reactive";

let parser: NodeSqlReferenceParser;
let warehouse: Warehouse;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());
beforeEach(async () => {
  await warehouse?.close();
  warehouse = await openDuckDbWarehouse({ path: ":memory:" });
});

function notebook(cells: Record<string, string>, frontMatter = ""): string {
  const head = frontMatter ? `---\n${frontMatter}\n---\n\n` : "";
  return head + Object.entries(cells).map(([name, sql]) => `\`\`\`sql ${name}\n${sql}\n\`\`\`\n`).join("\n");
}

const base = {
  a: "select range as x from range(10)",
  b: "select sum(x) as total from a",
  c: "select total * 2 as doubled from b",
  other: "select 42 as answer",
};

function runsOf(session: ReactiveSession): Record<string, number> {
  return Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c.runs]));
}

describe("ReactiveSession", () => {
  it("runs everything once, then only the edited cell and what is below it", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md" });
    await session.update(notebook(base));
    expect(runsOf(session)).toEqual({ a: 1, b: 1, c: 1, other: 1 });
    expect(session.snapshot().cells.every((c) => c.state === "fresh")).toBe(true);

    await session.update(notebook({ ...base, b: "select sum(x) + 1 as total from a" }));
    expect(runsOf(session)).toEqual({ a: 1, b: 2, c: 2, other: 1 });
    expect(await warehouse.query("select doubled from c")).toEqual([{ doubled: 92 }]);

    await session.update(notebook({ ...base, b: "select sum(x) + 1 as total from a" }));
    expect(runsOf(session)).toEqual({ a: 1, b: 2, c: 2, other: 1 });
  });

  it("shows an error on the cell, blocks what is below, and recovers when fixed", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md" });
    await session.update(notebook(base));
    await session.update(notebook({ ...base, b: "select sum(nope) as total from a" }));
    const byName = Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c]));
    expect(byName.b?.state).toBe("error");
    expect(byName.b?.error).toMatch(/nope/);
    expect(byName.c?.state).toBe("blocked");
    expect(byName.other?.state).toBe("fresh");
    expect(await warehouse.query("select doubled from c")).toEqual([{ doubled: 90 }]);

    await session.update(notebook(base));
    expect(session.snapshot().cells.map((c) => c.state)).toEqual(["fresh", "fresh", "fresh", "fresh"]);
  });

  it("a newer edit supersedes one still running: the final tables come from the newest text", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md" });
    await session.update(notebook(base));
    const first = session.update(notebook({ ...base, a: "select range as x from range(100)" }));
    const second = session.update(notebook({ ...base, a: "select range as x from range(1000)" }));
    await Promise.all([first, second]);
    expect(await warehouse.query("select total from b")).toEqual([{ total: 499500 }]);
    expect(await warehouse.query("select doubled from c")).toEqual([{ doubled: 999000 }]);
    expect(session.snapshot().cells.every((c) => c.state === "fresh")).toBe(true);
  });

  it("in lazy mode marks cells below as stale until asked to run them", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md" });
    await session.update(notebook(base, "lazy: true"));
    await session.update(notebook({ ...base, a: "select range as x from range(3)" }, "lazy: true"));
    const states = Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c.state]));
    expect(states).toEqual({ a: "fresh", b: "stale", c: "stale", other: "fresh" });
    await session.run("b");
    expect(await warehouse.query("select doubled from c")).toEqual([{ doubled: 6 }]);
    expect(runsOf(session)).toEqual({ a: 2, b: 2, c: 2, other: 1 });
  });

  it("reports a missing table with a suggestion, and runs the rest", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md" });
    await session.update(notebook({ ...base, c: "select * from bb" }));
    const c = session.snapshot().cells.find((cell) => cell.name === "c");
    expect(c?.state).toBe("error");
    expect(c?.error).toContain('unknown table "bb" (did you mean "b"?)');
    expect(runsOf(session)).toEqual({ a: 1, b: 1, c: 0, other: 1 });
  });
});
