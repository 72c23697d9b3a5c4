// A partitioned notebook in the reactive session, on DuckDB: its cells run with one
// partition's values, and choosing another reruns exactly the cells that read them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { ReactiveSession, type CellMaterializer } from "./reactive";
import { PARTITION_CHOICES } from "./session-partitions";

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

const clock = () => new Date("2024-06-15T12:00:00Z");
const fence = (kind: string, name: string, body: string) => `\`\`\`${kind} ${name}\n${body}\n\`\`\`\n`;
const MONTHLY = `---\npartitions: { type: monthly, start: "2024-01-01", timezone: UTC }\n---\n\n`;
const cells = {
  days: fence("sql", "days", "select cast(d as date) as day from range(timestamp '2024-01-01', timestamp '2025-01-01', interval 1 day) t(d)"),
  inMonth: fence("sql", "in_month", "select day from days\nwhere day >= {{ partition.start | date }} and day < {{ partition.end | date }}"),
  total: fence("sql", "month_total", "select count(*) as n, cast(min(day) as varchar) as first from in_month"),
  other: fence("sql", "other", "select 1 as one"),
};
const NOTEBOOK = MONTHLY + [cells.days, cells.inMonth, cells.total, cells.other].join("\n");

const runsOf = (session: ReactiveSession) => Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c.runs]));
const total = async () => (await warehouse.query("select n, first from month_total"))[0];

describe("ReactiveSession with partitions", () => {
  it("runs the newest partition that has started, then reruns only what reads the chosen one", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", clock });
    await session.update(NOTEBOOK);
    expect(session.snapshot().issues).toEqual([]);
    expect(session.snapshot().partitions).toEqual({ description: "monthly", keys: ["2024-06", "2024-05", "2024-04", "2024-03", "2024-02", "2024-01"], active: "2024-06" });
    expect(await total()).toEqual({ n: 30, first: "2024-06-01" });

    await session.setPartition("2024-02");
    expect(session.snapshot().partitions?.active).toBe("2024-02");
    expect(await total()).toEqual({ n: 29, first: "2024-02-01" });
    expect(runsOf(session)).toEqual({ days: 1, in_month: 2, month_total: 2, other: 1 });
    expect(session.snapshot().cells.every((c) => c.state === "fresh")).toBe(true);
    // the preview is the partition's rows: no `_partition` column in development
    expect((await warehouse.describe("in_month"))?.map((c) => c.name)).toEqual(["day"]);

    // an edit keeps the chosen partition; a key that is not a partition falls back to the newest
    await session.update(NOTEBOOK.replace("select 1 as one", "select 2 as one"));
    expect(await total()).toEqual({ n: 29, first: "2024-02-01" });
    await session.setPartition("2023-12");
    expect(session.snapshot().partitions?.active).toBe("2024-06");
    expect(await total()).toEqual({ n: 30, first: "2024-06-01" });
  });

  it("starts with the partition it is given", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", clock, partition: "2024-04" });
    await session.update(NOTEBOOK);
    expect(await total()).toEqual({ n: 30, first: "2024-04-01" });
  });

  it("shows a placeholder that is not a partition value at its cell, line and column, and runs the rest", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", clock });
    await session.update(NOTEBOOK.replace("{{ partition.end | date }}", "{{ partition.edn }}"));
    const [issue] = session.snapshot().issues;
    expect(issue).toMatchObject({ file: "nb.md", line: 11, column: 53, cell: "in_month" });
    expect(issue?.message).toContain("unknown partition value {{ partition.edn }} (did you mean end?)");
    const states = Object.fromEntries(session.snapshot().cells.map((c) => [c.name, c.state]));
    expect(states).toEqual({ days: "fresh", in_month: "error", month_total: "blocked", other: "fresh" });
  });

  it("reports a wrong partitions: definition at its line", async () => {
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", clock });
    await session.update(NOTEBOOK.replace("type: monthly", "type: monthy"));
    expect(session.snapshot().issues[0]).toMatchObject({ file: "nb.md", line: 2, field: "partitions.type" });
    expect(session.snapshot().partitions).toBeUndefined();
  });

  it("hands an extract the partition it runs with, and reruns it and what is below when the partition changes", async () => {
    const seen: (string | null)[] = [];
    const materializeOther: CellMaterializer = async (cell, target, run) => {
      seen.push(run.partition);
      await target.exec(`create or replace table ${cell.name} as select '${run.partition ?? "none"}' as key`);
      return { ok: true, rows: 1, columns: (await target.describe(cell.name)) ?? [], checks: [] };
    };
    const extract = fence("extract", "events", 'source: rest\nbase_url: http://127.0.0.1:9/api\npath: "days/{{ partition.key }}"\npaginator: { type: single }');
    const below = fence("sql", "event_keys", "select key from events");
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", clock, materializeOther });
    await session.update(MONTHLY + [extract, below, cells.other].join("\n"));
    await session.setPartition("2024-03");
    expect(seen).toEqual(["2024-06", "2024-03"]);
    expect(await warehouse.query("select key from event_keys")).toEqual([{ key: "2024-03" }]);
    expect(runsOf(session)).toEqual({ events: 2, event_keys: 2, other: 1 });
  });

  it("offers the newest partitions only, counted from near now", async () => {
    const daily = NOTEBOOK.replace("type: monthly", "type: daily").replace("{{ partition.end | date }}", "{{ partition.start | date }} + 1");
    const session = new ReactiveSession({ warehouse, parser, file: "nb.md", clock: () => new Date("2026-11-25T14:00:00Z") });
    await session.update(daily.replace('start: "2024-01-01"', 'start: "2020-01-01"'));
    const partitions = session.snapshot().partitions;
    expect(partitions?.keys).toHaveLength(PARTITION_CHOICES);
    expect(partitions?.keys[0]).toBe("2026-11-25");
    expect(partitions?.keys.at(-1)).toBe("2025-10-22");
  });
});
