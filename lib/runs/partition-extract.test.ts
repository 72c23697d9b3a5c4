// A partitioned notebook whose extract asks a real HTTP server for one day at a time (daily
// partitions in Europe/Paris), run by the RunService on each store: embedded (PGlite catalog,
// DuckDB warehouse) and PostgreSQL (catalog and warehouse) when TEST_DATABASE_URL is set.
// The requests carry the typed values; each partition's rows land, and a rerun replaces them.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { startTestServer, type TestServer } from "../extract/http/test-server";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { waitFor } from "../queue/conformance";
import { openLocalQueue } from "../queue/local";
import { pgDatabases } from "../queue/test-pg";
import type { JobQueue, Worker } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../warehouse/postgres";
import type { Warehouse } from "../warehouse/types";
import { prismaSqlClient } from "./prisma-sql";
import { RunService } from "./service";
import { runDetail } from "./views";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);
const warehouses = pgDatabases("ab_part_extract");

const DAILY_PARIS = `partitions: { type: daily, start: "2024-01-15", timezone: Europe/Paris }`;

const eventsNotebook = (url: string, front = DAILY_PARIS) => `---
title: Events
${front}
---

\`\`\`extract events
source: rest
base_url: ${url}
path: "days/{{ partition.key }}/events"
params: { from: "{{ partition.start }}", to: "{{ partition.end | iso }}", day: "{{ partition.start | date }}", since: "{{ partition.start | epoch }}" }
headers: { X-Partition: "{{ partition.key }}" }
paginator: { type: single }
primary_key: id
write_disposition: replace
\`\`\`

\`\`\`sql daily_counts
select count(*) as n from events
where _partition = {{ partition.key }} and happened_at >= {{ partition.start }} and happened_at < {{ partition.end }}
\`\`\`
`;

let parser: NodeSqlReferenceParser;
let server: TestServer;
/** The ids the server has for each day; a test changes them to see a rerun replace its partition. */
let idsByDay: Record<string, number[]> = {};
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
  server = await startTestServer((request, response) => {
    const url = new URL(request.url, server.url);
    const day = /^\/days\/([^/]+)\/events$/.exec(url.pathname)?.[1] ?? "";
    const region = url.searchParams.get("region");
    const from = Date.parse(url.searchParams.get("from") ?? "");
    // one event per id, an hour apart from the window's start: inside the day in Paris
    const events = (idsByDay[region === null ? day : `${day}|${region}`] ?? []).map((id, i) => ({ id, happened_at: new Date(from + (i + 1) * 3_600_000).toISOString() }));
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(events));
  });
});
afterAll(async () => {
  await server.close();
  await parser.close();
  await warehouses.dropAll();
});

describe.each(cases)("partitioned extracts on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  let worker: Worker;
  let svc: RunService;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-part-extract-"));
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse =
      storeCase.name === "postgres"
        ? await openPostgresWarehouse({ connectionString: await warehouses.fresh() })
        : await openDuckDbWarehouse({ path: path.join(dir, "warehouse.duckdb"), dataDir: dir });
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    svc = new RunService({
      db,
      queue,
      notebooksDir: dir,
      openWarehouse: async () => ({ warehouse, release: async () => undefined }),
      parser: async () => parser,
      extractSources: async () => ({ resolveSecret: () => undefined }),
      cancelPollMs: 50,
    });
    worker = queue.work(svc.handlers(), { concurrency: 2, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
    server.requests.length = 0;
  });
  afterEach(async () => {
    await worker.stop();
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(partition: string): Promise<{ runId: string; status: string; error: string | null }> {
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "events", trigger: "manual", partition });
    let found = { status: "", error: null as string | null };
    await waitFor(`run of ${partition}`, async () => {
      found = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, error: true } });
      return found.status !== "queued" && found.status !== "running";
    });
    return { runId, ...found };
  }
  const sent = () =>
    server.requests.map((r) => {
      const url = new URL(r.url, server.url);
      return { path: url.pathname, params: Object.fromEntries(url.searchParams), partition: r.headers["x-partition"] };
    });
  const rows = async (sql: string) => (await warehouse.query(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));

  it("sends each day's typed values and lands each partition's rows; a rerun replaces only its own", { timeout: 60_000 }, async () => {
    await writeFile(path.join(dir, "events.md"), eventsNotebook(server.url));
    idsByDay = { "2024-01-16": [1, 2, 3], "2024-01-17": [4, 5] };
    const first = await run("2024-01-16");
    expect(first).toMatchObject({ status: "succeeded" });
    // The run page says why the rows went record by record where DuckDB could have read them (PostgreSQL cannot).
    const note = (await runDetail(db, workspaceId, first.runId))?.assets.find((asset) => asset.name === "events")?.note;
    expect(note).toBe(warehouse.files === undefined ? null : "loaded record by record: a partition's rows are tagged page by page");
    const second = await run("2024-01-17");
    expect(second).toMatchObject({ status: "succeeded" });
    expect(sent()).toEqual([
      {
        path: "/days/2024-01-16/events",
        params: { from: "2024-01-15T23:00:00Z", to: "2024-01-16T23:00:00Z", day: "2024-01-16", since: "1705359600" },
        partition: "2024-01-16",
      },
      {
        path: "/days/2024-01-17/events",
        params: { from: "2024-01-16T23:00:00Z", to: "2024-01-17T23:00:00Z", day: "2024-01-17", since: "1705446000" },
        partition: "2024-01-17",
      },
    ]);

    idsByDay["2024-01-16"] = [1, 6];
    const rerun = await run("2024-01-16");
    expect(rerun).toMatchObject({ status: "succeeded" });
    expect(await rows("select id, _partition from events order by _partition, id")).toEqual([
      { id: 1, _partition: "2024-01-16" },
      { id: 6, _partition: "2024-01-16" },
      { id: 4, _partition: "2024-01-17" },
      { id: 5, _partition: "2024-01-17" },
    ]);
    expect(await rows("select _partition, n from daily_counts order by _partition")).toEqual([
      { _partition: "2024-01-16", n: 2 },
      { _partition: "2024-01-17", n: 2 },
    ]);
    // the run history agrees with the warehouse: the partition's rows, not the table's
    const mats = await db.materialization.findMany({ where: { runId: { in: [second.runId, rerun.runId] } }, include: { asset: true } });
    expect(mats.map((m) => [m.asset.name, m.partition, m.status, Number(m.rows)]).sort()).toEqual([
      ["daily_counts", "2024-01-16", "succeeded", 1],
      ["daily_counts", "2024-01-17", "succeeded", 1],
      ["events", "2024-01-16", "succeeded", 2],
      ["events", "2024-01-17", "succeeded", 2],
    ]);
    expect(await rows("select table_name from information_schema.tables where table_name like '\\_ab\\_%' escape '\\'")).toEqual([]);
  });

  it("runs a partition of two dimensions (day and region): each dimension's key by its name", { timeout: 60_000 }, async () => {
    const front = `partitions:\n  date: { type: daily, start: "2024-01-15", timezone: Europe/Paris }\n  region: { type: static, keys: [eu, us] }`;
    const text = eventsNotebook(server.url, front)
      .replace(`path: "days/{{ partition.key }}/events"`, `path: "days/{{ partition.date }}/events"`)
      .replace(`day: "{{ partition.start | date }}"`, `day: "{{ partition.start | date }}", region: "{{ partition.region }}"`);
    await writeFile(path.join(dir, "events.md"), text);
    idsByDay = { "2024-01-16|eu": [1, 2], "2024-01-16|us": [3] };
    expect(await run("2024-01-16|eu")).toMatchObject({ status: "succeeded" });
    expect(await run("2024-01-16|us")).toMatchObject({ status: "succeeded" });
    expect(sent().map((r) => [r.path, r.params.region, r.params.day, r.partition])).toEqual([
      ["/days/2024-01-16/events", "eu", "2024-01-16", "2024-01-16|eu"],
      ["/days/2024-01-16/events", "us", "2024-01-16", "2024-01-16|us"],
    ]);
    expect(await rows("select id, _partition from events order by id")).toEqual([
      { id: 1, _partition: "2024-01-16|eu" },
      { id: 2, _partition: "2024-01-16|eu" },
      { id: 3, _partition: "2024-01-16|us" },
    ]);
    expect(await rows("select _partition, n from daily_counts order by _partition")).toEqual([
      { _partition: "2024-01-16|eu", n: 2 },
      { _partition: "2024-01-16|us", n: 1 },
    ]);
  });

  it("fails a run whose extract asks a static partition for its start, naming the cell and the field, before any request", async () => {
    await writeFile(path.join(dir, "events.md"), eventsNotebook(server.url, "partitions: { type: static, keys: [eu, us] }"));
    const failed = await run("eu");
    expect(failed.status).toBe("failed");
    // Known before running: reported at its file:line:col, as `assetbook check` reports it.
    expect(failed.error).toContain('events.md:10:18 cell "events": {{ partition.start }}: a static partition has no start, only a key ({{ partition.key }})');
    expect(failed.error).toContain('events.md:10:81 cell "events": {{ partition.start | date }}: a static partition has no start');
    expect(server.requests).toEqual([]);
    expect(await warehouse.describe("events")).toBeNull();
  });

  it("fails a run with a misspelt placeholder at its file:line:col", async () => {
    await writeFile(path.join(dir, "events.md"), eventsNotebook(server.url).replace("happened_at < {{ partition.end }}", "happened_at < {{ partition.ned }}"));
    const failed = await run("2024-01-16");
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe('events.md:19:99 cell "daily_counts": unknown partition value {{ partition.ned }} (did you mean end?): use partition.key, partition.start or partition.end');
    expect(server.requests).toEqual([]);
  });
});
