// The newest partitions, counted from near now, are the ones counted from the start; and a
// whole plan run for one partition (as the CLI runs it, on DuckDB) replaces only that
// partition's SQL rows while an ml cell below it replaces its outputs whole.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planNotebook } from "./prepare";
import { readFilePages } from "../extract/file";
import { previewExtract } from "../extract/preview";
import { runPlan } from "./run";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { extractForPartition, latestPartitions, partitionedWarehouse, partitionPlan, runWindow } from "./partition-plan";
import { preparePartitioned } from "./prepare-partitioned";
import { partitionsSchema } from "../notebook/schemas/partitions";
import { partitionWindows } from "../partitions/windows";

describe("latestPartitions", () => {
  const now = new Date("2024-11-03T01:30:00Z");
  const defs = [
    { type: "hourly", start: "2024-09-01T05:00", timezone: "Europe/Paris" },
    { type: "daily", start: "2023-02-28", timezone: "America/New_York" },
    { type: "weekly", start: "2023-01-04", timezone: "UTC" },
    { type: "monthly", start: "2022-01-31", timezone: "Asia/Tokyo" },
    { type: "static", keys: ["eu", "us", "apac"] },
    { date: { type: "daily", start: "2024-01-01" }, region: { type: "static", keys: ["eu", "us"] } },
  ];
  it.each(defs.map((def) => ({ def, type: "type" in def ? def.type : "dimensions" })))("are the last windows of all of them ($type)", ({ def }) => {
    const parsed = partitionsSchema.parse(def);
    const all = partitionWindows(parsed, now);
    expect(latestPartitions(parsed, now, 50)).toEqual(all.slice(-50).reverse());
  });

  it("are none before the first window starts", () => {
    expect(latestPartitions(partitionsSchema.parse({ type: "daily", start: "2030-01-01" }), now, 10)).toEqual([]);
  });
});

describe("a plan run for one partition", () => {
  let parser: NodeSqlReferenceParser;
  beforeAll(async () => {
    parser = await NodeSqlReferenceParser.create();
  });
  afterAll(() => parser.close());

  const NOTEBOOK = `---
partitions: { type: static, keys: [a, b] }
---

\`\`\`sql points
select {{ partition.key }} as source, x, 2 * x as y from range(1, 6) t(x)
\`\`\`

\`\`\`ml fit
from: points
target: y
features: [x]
model: linear
\`\`\`
`;

  it("tags and replaces its SQL rows, and the ml cell's outputs are whole", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      for (const key of ["a", "b", "a"]) {
        const prepared = await preparePartitioned(NOTEBOOK, "nb.md", parser, key);
        if (!prepared.ok) throw new Error(JSON.stringify(prepared.issues));
        const window = runWindow(prepared.notebook.frontMatter, key);
        const plan = partitionPlan(planNotebook(prepared.notebook, prepared.graph), window);
        const summary = await runPlan({ warehouse: partitionedWarehouse(warehouse, plan.cells, window), plan });
        expect(summary.outcomes.map((o) => [o.asset, o.status, o.reason])).toEqual([["points", "succeeded", undefined], ["fit", "succeeded", undefined]]);
      }
      const byPartition = await warehouse.query("select _partition as p, count(*) as n, count(*) filter (where source = _partition) as tagged from points group by all order by p");
      expect(byPartition.map((r) => [r.p, Number(r.n), Number(r.tagged)])).toEqual([["a", 5, 5], ["b", 5, 5]]);
      expect(await warehouse.query("select count(*) as n from fit__predictions")).toEqual([{ n: 10 }]);
    } finally {
      await warehouse.close();
    }
  });

  it("is refused for a key that is not a partition", async () => {
    const prepared = await preparePartitioned(NOTEBOOK, "nb.md", parser, null);
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.issues));
    expect(() => runWindow(prepared.notebook.frontMatter, "c")).toThrow('notebook has no partition "c"');
    expect(runWindow(prepared.notebook.frontMatter, null)).toBeNull();
  });
});

describe("an extract previewed for a partition", () => {
  const NOTEBOOK = `---
partitions: { type: monthly, start: "2024-01-01" }
---

\`\`\`extract sales
source: file
path: "sales/{{ partition.key }}.csv"
write_disposition: replace
\`\`\`
`;

  it("reads the partition's file, and without a partition names the cell and the field", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "assetbook-preview-part-"));
    try {
      await mkdir(path.join(dataDir, "sales"));
      await writeFile(path.join(dataDir, "sales", "2024-03.csv"), "day,amount\n2024-03-01,5\n2024-03-02,7\n");
      const preview = (key: string | null) =>
        previewExtract({
          text: NOTEBOOK,
          file: "sales.md",
          cell: "sales",
          openWarehouse: () => openDuckDbWarehouse({ path: ":memory:", dataDir }),
          resolveSecret: () => undefined,
          dataDir,
          readFilePages,
          prepare: extractForPartition(NOTEBOOK, "sales.md", key),
        });
      expect(await preview("2024-03")).toMatchObject({ ok: true, rows: 2 });
      expect(await preview(null)).toEqual({ ok: false, reason: "failed", error: 'cell "sales": path: {{ partition.key }} needs a partition, and this run has none' });
      expect(await preview("2023-01")).toEqual({ ok: false, reason: "failed", error: 'cell "sales": notebook has no partition "2023-01"' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
