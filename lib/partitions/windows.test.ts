// Partition windows and the values a partition gives each kind of cell: SQL literals in SQL,
// plain text in an extract's string values, errors that name the cell, the field or the line.
import { describe, expect, it } from "vitest";
import { parseNotebook } from "../notebook";
import type { AssetCell, ExtractCell } from "../notebook/types";
import { partitionsSchema } from "../notebook/schemas/partitions";
import { applyPartition, NEUTRAL_WINDOW, neutralWindow, partitionWindow, partitionWindows, substitutePartition, type PartitionsDef, type PartitionWindow } from "./windows";
import { substituteNotebookText, substituteValues } from "./values";

const paris: PartitionsDef = { type: "daily", start: "2024-01-15", timezone: "Europe/Paris" };
const statics: PartitionsDef = { type: "static", keys: ["eu", "us"] };

function windowOf(def: PartitionsDef, key: string): PartitionWindow {
  const found = partitionWindow(def, key);
  if (found === null) throw new Error(`no partition ${key}`);
  return found;
}

function cellOf(text: string, name: string): AssetCell {
  const parsed = parseNotebook(text, "nb.md");
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const cell = parsed.notebook.cells.find((c): c is AssetCell => c.type === "asset" && c.name === name);
  if (cell === undefined) throw new Error(`no cell ${name}`);
  return cell;
}

const extract = (yaml: string) => cellOf(`\`\`\`extract events\nsource: rest\nbase_url: http://127.0.0.1:1\n${yaml}\n\`\`\`\n`, "events");

describe("partition windows", () => {
  it("are days on the wall clock of their time zone, in UTC instants", () => {
    expect(partitionWindows(paris, new Date("2024-01-16T22:00:00Z"))).toEqual([
      { key: "2024-01-15", start: new Date("2024-01-14T23:00:00Z"), end: new Date("2024-01-15T23:00:00Z"), timezone: "Europe/Paris" },
      { key: "2024-01-16", start: new Date("2024-01-15T23:00:00Z"), end: new Date("2024-01-16T23:00:00Z"), timezone: "Europe/Paris" },
    ]);
    expect(partitionWindow(paris, "2024-03-31")).toMatchObject({ start: new Date("2024-03-30T23:00:00Z"), end: new Date("2024-03-31T22:00:00Z") });
    expect(partitionWindow(paris, "2024-01-14")).toBeNull();
    expect(partitionWindow(statics, "eu")).toEqual({ key: "eu", start: null, end: null });
  });
});

describe("values in SQL", () => {
  const day = windowOf(paris, "2024-01-17");

  it("are typed literals, with optional formats", () => {
    const sql = "{{ partition.key }} {{partition.start}} {{ partition.end }} {{ partition.start | iso }} {{ partition.start | date }} {{ partition.end|date }} {{ partition.start | epoch }}";
    expect(substituteValues(sql, day, "sql")).toEqual({
      text: "'2024-01-17' TIMESTAMP '2024-01-16 23:00:00' TIMESTAMP '2024-01-17 23:00:00' '2024-01-16T23:00:00Z' DATE '2024-01-17' DATE '2024-01-18' 1705446000",
      problems: [],
    });
  });

  it("are NULL for a static partition's start and end", () => {
    expect(substituteValues("{{ partition.key }}, {{ partition.start }}, {{ partition.end | date }}", windowOf(statics, "eu"), "sql").text).toBe("'eu', NULL, NULL");
  });

  it("report an unknown field or format, and a format on the key", () => {
    const { problems } = substituteValues("a {{ partition.stat }} {{ partition.start | dat }} {{ partition.key | date }} {{ partition }}", day, "sql");
    expect(problems.map((p) => [p.offset, p.message])).toEqual([
      [2, "unknown partition value {{ partition.stat }} (did you mean start?): use partition.key, partition.start or partition.end"],
      [23, 'unknown format "dat" in {{ partition.start | dat }} (did you mean date?): use iso, date or epoch'],
      [51, "{{ partition.key | date }}: partition.key takes no format"],
      [78, "{{ partition }} is not a partition value: write {{ partition.<field> }} or {{ partition.<field> | <format> }}"],
    ]);
  });
});

describe("a notebook's text", () => {
  const text = `---
title: T
partitions: { type: daily, start: "2024-01-15", timezone: Europe/Paris }
---

Prose may say {{ partition.key }}.

\`\`\`sql daily
select * from events where at >= {{ partition.start }} and day = {{ partition.start | date }}
\`\`\`

\`\`\`extract events
source: rest
base_url: http://127.0.0.1:1
params: { from: "{{ partition.start }}" }
\`\`\`
`;

  it("gets SQL literals in SQL cells only; planning uses neutral values", () => {
    const neutral = substituteNotebookText(text, "nb.md", NEUTRAL_WINDOW);
    expect(neutral.issues).toEqual([]);
    expect(neutral.text).toContain("where at >= TIMESTAMP '1970-01-01 00:00:00' and day = DATE '1970-01-01'");
    expect(neutral.text).toContain('params: { from: "{{ partition.start }}" }');
    expect(neutral.text).toContain("Prose may say {{ partition.key }}.");
    expect(substitutePartition(text, windowOf(paris, "2024-01-17"))).toContain("where at >= TIMESTAMP '2024-01-16 23:00:00' and day = DATE '2024-01-17'");
  });

  it("reports a bad placeholder at its file:line:col with the cell", () => {
    const bad = `\`\`\`sql daily\nselect 1\nwhere k = {{ partition.kye }}\n\`\`\`\n\n\`\`\`extract events\nsource: rest\nparams:\n  from: {{ partition.start }}\n\`\`\`\n\n\`\`\`chart c\nfrom: daily\nmark: line\nx: "{{ partition.key }}"\n\`\`\`\n`;
    expect(substituteNotebookText(bad, "nb.md", NEUTRAL_WINDOW).issues).toEqual([
      { file: "nb.md", line: 3, column: 11, cell: "daily", message: expect.stringContaining("unknown partition value {{ partition.kye }} (did you mean key?)") },
      { file: "nb.md", line: 9, column: 9, cell: "events", message: 'quote a YAML value that starts with {{, as in "{{ partition.start }}"' },
      { file: "nb.md", line: 15, column: 5, cell: "c", message: "partition values are substituted in sql and extract cells only" },
    ]);
  });
});

describe("values in an extract", () => {
  const day = windowOf(paris, "2024-01-17");

  it("are plain text in every string value: key, ISO 8601 UTC, the local date, epoch seconds", () => {
    const cell = extract(
      `path: "days/{{ partition.key }}/events"
params: { from: "{{ partition.start }}", to: "{{ partition.end | iso }}", day: "{{ partition.start | date }}", since: "{{ partition.start | epoch }}", n: 3 }
headers: { X-Day: "{{ partition.key }}" }`,
    );
    const applied = applyPartition(cell, day);
    if (applied.kind !== "extract") throw new Error("not an extract");
    expect(applied.config).toEqual({
      source: "rest",
      base_url: "http://127.0.0.1:1",
      path: "days/2024-01-17/events",
      params: { from: "2024-01-16T23:00:00Z", to: "2024-01-17T23:00:00Z", day: "2024-01-17", since: "1705446000", n: 3 },
      headers: { "X-Day": "2024-01-17" },
    });
  });

  it("leave a cell without placeholders as it is", () => {
    const cell = extract(`path: events`);
    expect(applyPartition(cell, day)).toEqual(cell);
    expect(applyPartition(cell, null)).toEqual(cell);
  });

  it("name the cell and the field when a value cannot be given", () => {
    const cell = extract(`path: "x/{{ partition.start }}"\nparams: { day: "{{ partition.stat }}", key: "{{ partition.key }}" }`) as ExtractCell;
    expect(() => applyPartition(cell, windowOf(statics, "eu"))).toThrow(
      [
        'cell "events": path: {{ partition.start }}: a static partition has no start, only a key ({{ partition.key }})',
        'cell "events": params.day: unknown partition value {{ partition.stat }} (did you mean start?): use partition.key, partition.start or partition.end',
      ].join("\n"),
    );
    expect(() => applyPartition(extract(`params: { key: "{{ partition.key }}" }`), null)).toThrow('cell "events": params.key: {{ partition.key }} needs a partition, and this run has none');
  });
});

describe("a partitioned SQL cell", () => {
  it("gets its literals and tags its rows with the key", () => {
    const cell = cellOf("```sql daily\nselect {{ partition.start | date }} as day;\n```\n", "daily");
    const applied = applyPartition(cell, windowOf(paris, "2024-01-17"));
    if (applied.kind !== "sql") throw new Error("not sql");
    expect(applied.config.sql).toBe("SELECT *, '2024-01-17' AS _partition FROM (\nselect DATE '2024-01-17' as day\n) AS _partition_rows");
    expect(applyPartition(cell, null)).toEqual(cell);
  });
});

describe("partitions with two dimensions", () => {
  const def = partitionsSchema.parse({ date: { type: "daily", start: "2024-01-15", timezone: "Europe/Paris" }, region: { type: "static", keys: ["eu", "us"] } });

  it("have a key per combination, the first dimension outermost, and the time dimension's window", () => {
    expect(partitionWindows(def, new Date("2024-01-16T22:00:00Z")).map((w) => w.key)).toEqual(["2024-01-15|eu", "2024-01-15|us", "2024-01-16|eu", "2024-01-16|us"]);
    expect(partitionWindow(def, "2024-01-16|us")).toEqual({
      key: "2024-01-16|us",
      start: new Date("2024-01-15T23:00:00Z"),
      end: new Date("2024-01-16T23:00:00Z"),
      timezone: "Europe/Paris",
      dimensions: { date: "2024-01-16", region: "us" },
    });
    for (const missing of ["2024-01-16", "2024-01-16|asia", "us|2024-01-16", "2024-01-16|us|eu"]) expect(partitionWindow(def, missing)).toBeNull();
    expect(neutralWindow(def).dimensions).toEqual({ date: "", region: "" });
  });

  it("give each dimension's key by its name, in SQL and in an extract", () => {
    const w = windowOf(def, "2024-01-16|us");
    expect(substituteValues("{{ partition.key }} {{ partition.date }} {{ partition.region }} {{ partition.start | date }}", w, "sql").text).toBe("'2024-01-16|us' '2024-01-16' 'us' DATE '2024-01-16'");
    const applied = applyPartition(extract(`path: "days/{{ partition.date }}/events"\nparams: { region: "{{ partition.region }}", since: "{{ partition.start | epoch }}" }`), w);
    expect(applied.config).toMatchObject({ path: "days/2024-01-16/events", params: { region: "us", since: "1705359600" } });
    expect(substituteValues("{{ partition.regoin }} {{ partition.region | date }}", w, "sql").problems.map((p) => p.message)).toEqual([
      "unknown partition value {{ partition.regoin }} (did you mean region?): use partition.key, partition.start, partition.end, partition.date or partition.region",
      "{{ partition.region | date }}: partition.region takes no format",
    ]);
  });

  it("are two or more named dimensions, at most one of them a time window, none named like a value", () => {
    const daily = { type: "daily", start: "2024-01-15" };
    const region = { type: "static", keys: ["eu"] };
    expect(() => partitionsSchema.parse({ date: daily })).toThrow("two or more named dimensions");
    expect(() => partitionsSchema.parse({ date: daily, hour: { ...daily, type: "hourly" } })).toThrow("at most one dimension is a time window");
    expect(() => partitionsSchema.parse({ start: daily, region })).toThrow("a dimension cannot be named key, start, end, type");
    expect(partitionsSchema.parse({ region, tier: { type: "static", keys: ["gold", "free"] } })).toMatchObject({ type: "dimensions" });
  });
});
