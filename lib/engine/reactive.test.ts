import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { ReactiveSession, type ExternalLoad } from "./reactive";

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

  it("keeps the tables a rerun replaced aside until nothing is left to run, then drops them", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md" });
    const tables = async () => (await warehouse.query("select table_name from duckdb_tables() where schema_name = 'main' order by table_name")).map((row) => String(row.table_name));
    await session.update(notebook(base));
    await session.update(notebook({ ...base, a: "select range as x from range(20)" }));
    await session.settled();
    expect(await tables()).toEqual(["a", "b", "c", "other"]);
    expect(await warehouse.query("select doubled from c")).toEqual([{ doubled: 380 }]);
    expect(session.snapshot().cells.find((c) => c.name === "a")?.rows).toBe(20);
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

  it("a result the host says is a sample marks itself and every cell below it; a whole one clears the mark", async () => {
    let capped = true;
    const session = new ReactiveSession({
      warehouse,
      parser,
      file: "nb.md",
      materializeOther: async (cell, wh) => {
        await wh.exec(`create or replace table ${cell.name} as select 1 as n`);
        return { ok: true, rows: 1, columns: [], checks: [], sampled: capped };
      },
    });
    const text = mlText(10, "\n```sql below\nselect * from m\n```\n\n```sql apart\nselect 1 as one\n```\n");
    await session.update(text);
    const marks = () => Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c.sampledFrom]));
    expect(marks()).toEqual({ a: undefined, m: ["m"], below: ["m"], apart: undefined });
    capped = false;
    await session.run("m");
    expect(marks()).toEqual({ a: undefined, m: undefined, below: undefined, apart: undefined });
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

describe("ReactiveSession with external tables", () => {
  const segments = {
    segment_revenue: "select c.segment, sum(o.amount) as revenue from orders o join customers c using (customer_id) group by all order by 1",
    top: "select * from segment_revenue order by revenue desc limit 1",
    other: "select 42 as answer",
  };
  /** A host that loads `orders` and `customers` as production would (and fails the tables it is told to). */
  function host(failing: Record<string, string> = {}) {
    const loads: { table: string }[] = [];
    const loadExternal = async (table: string, wh: Warehouse): Promise<ExternalLoad> => {
      loads.push({ table });
      if (failing[table] !== undefined) return { ok: false, error: failing[table] };
      if (table === "orders") await wh.exec("create or replace table orders as select range as order_id, 1 + range % 2 as customer_id, 10.0 as amount from range(6)");
      else if (table === "customers") await wh.exec("create or replace table customers as select range + 1 as customer_id, ['retail', 'online'][range + 1] as segment from range(2)");
      else return { ok: false, error: `table "${table}" is not an asset of this workspace` };
      return { ok: true, rows: table === "orders" ? 6 : 2, sampled: table === "orders" };
    };
    return { loads, loadExternal };
  }

  it("marks what is computed from a sampled external table as sampled, and nothing else", async () => {
    const { loadExternal } = host();
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", loadExternal });
    await session.update(notebook(segments, "external: [orders, customers]"));
    const sampled = Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c.sampledFrom]));
    expect(sampled).toEqual({ segment_revenue: ["orders"], top: ["orders"], other: undefined });
  });

  it("loads each declared table once, before the cells that read it run", async () => {
    const { loads, loadExternal } = host();
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", loadExternal });
    await session.update(notebook(segments, "external: [orders, main.customers]"));
    expect(loads.map((l) => l.table).sort()).toEqual(["customers", "orders"]);
    expect(Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c.state]))).toEqual({ segment_revenue: "fresh", top: "fresh", other: "fresh" });
    expect(await warehouse.query("select segment, revenue from segment_revenue")).toEqual([
      { segment: "online", revenue: 30 },
      { segment: "retail", revenue: 30 },
    ]);
    expect(session.snapshot().externals).toEqual([
      { table: "orders", state: "loaded", rows: 6, sampled: true },
      { table: "customers", state: "loaded", rows: 2, sampled: false },
    ]);

    // Edits never load them again; a table declared later is loaded on the edit that reads it.
    await session.update(notebook({ ...segments, top: "select * from segment_revenue order by revenue limit 1" }, "external: [orders, customers]"));
    expect(loads).toHaveLength(2);
    await session.update(notebook({ ...segments, other: "select count(*) as n from events" }, "external: [orders, customers, events]"));
    expect(loads.map((l) => l.table)).toEqual(expect.arrayContaining(["events"]));
    expect(loads).toHaveLength(3);
    const other = session.snapshot().cells.find((c) => c.name === "other");
    expect(other).toMatchObject({ state: "error", error: 'external table "events" could not be loaded: table "events" is not an asset of this workspace' });
  });

  it("a cell that reads a table that could not be loaded fails with why, and blocks what is below it", async () => {
    const { loads, loadExternal } = host({ orders: 'table "orders" has not been materialized in production yet' });
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", loadExternal });
    await session.update(notebook(segments, "external: [orders, customers]"));
    const byName = Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c]));
    expect(byName.segment_revenue).toMatchObject({
      state: "error",
      error: 'external table "orders" could not be loaded: table "orders" has not been materialized in production yet',
    });
    expect(byName.top?.state).toBe("blocked");
    expect(byName.other?.state).toBe("fresh");
    expect(session.snapshot().externals).toContainEqual({ table: "orders", state: "failed", error: 'table "orders" has not been materialized in production yet' });

    // Not asked again in this session: the next edit of the cell fails the same way.
    await session.update(notebook({ ...segments, segment_revenue: `${segments.segment_revenue} limit 5` }, "external: [orders, customers]"));
    expect(loads).toHaveLength(2);
    expect(session.snapshot().cells.find((c) => c.name === "segment_revenue")?.error).toMatch(/^external table "orders" could not be loaded/);
  });
});
