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

describe("ReactiveSession while a cell runs", () => {
  const mlText = (rows: number, extra = "") =>
    `\`\`\`sql a\nselect range as x, range * 2 as y from range(${rows})\n\`\`\`\n\n\`\`\`ml m\nfrom: a\ntarget: y\nfeatures: [x]\nmodel: linear\n\`\`\`\n${extra}`;

  it("a result computed from an input that changed meanwhile is dropped, and the cell reruns on the new input", async () => {
    let release: () => void = () => undefined;
    const gates: Promise<void>[] = [new Promise((r) => (release = r))];
    const seen: number[] = [];
    const session = new ReactiveSession({
      warehouse,
      parser,
      file: "nb.md",
      // Stands in for training: waits on the first gate, then writes what it read.
      materializeOther: async (cell, wh) => {
        const [row] = await wh.query("select count(*)::integer as n from a");
        const n = Number(row?.n);
        await gates.shift();
        seen.push(n);
        await wh.exec(`create or replace table ${cell.name} as select ${n} as n`);
        return { ok: true, rows: 1, columns: [], checks: [] };
      },
    });
    const first = session.update(mlText(10));
    await expect.poll(() => session.snapshot().cells.find((c) => c.name === "m")?.state).toBe("running");
    const second = session.update(mlText(100));
    // The edit is applied (a is queued again) while m still trains on the old a.
    await expect.poll(() => session.snapshot().cells.find((c) => c.name === "a")?.state).not.toBe("fresh");
    release();
    await Promise.all([first, second]);
    expect(seen).toEqual([10, 100]);
    expect(await warehouse.query("select n from m")).toEqual([{ n: 100 }]);
    expect(session.snapshot().cells.find((c) => c.name === "m")).toMatchObject({ state: "fresh", runs: 1 });
  });

  it("a cell added while others run is planned with the new graph", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const session = new ReactiveSession({
      warehouse,
      parser,
      file: "nb.md",
      materializeOther: async (cell, wh) => {
        await gate;
        await wh.exec(`create or replace table ${cell.name} as select 1 as n`);
        return { ok: true, rows: 1, columns: [], checks: [] };
      },
    });
    const first = session.update(mlText(10));
    await expect.poll(() => session.snapshot().cells.find((c) => c.name === "m")?.state).toBe("running");
    const second = session.update(mlText(10, "\n```sql b2\nselect count(*) as n from a\n```\n"));
    release();
    await Promise.all([first, second]);
    expect(session.snapshot().cells.map((c) => [c.name, c.state])).toEqual([
      ["a", "fresh"],
      ["m", "fresh"],
      ["b2", "fresh"],
    ]);
  });
});
