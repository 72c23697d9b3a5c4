import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { quoteLiteral } from "../../warehouse/types";
import { FileSourceError } from "./errors";
import { readFilePages, type FileSourceConfig, type ReadFilePagesOptions } from "./read-file-pages";
import { collect, makeWorkspace, type Workspace } from "./test-helpers";

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const read = (config: FileSourceConfig, options?: ReadFilePagesOptions) => collect(readFilePages(ws.dataDir, config, options));
const all = async (config: FileSourceConfig, options?: ReadFilePagesOptions) => (await read(config, options)).flat();

async function failure(run: () => Promise<unknown>): Promise<FileSourceError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof FileSourceError) return error;
    throw error;
  }
  throw new Error("expected a FileSourceError");
}

/** Writes a Parquet fixture with a separate, unlocked DuckDB (the reader under test is locked). */
async function writeParquet(relative: string, selectSql: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (${selectSql}) TO ${quoteLiteral(path.join(ws.dataDir, relative))} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("CSV", () => {
  it("reads with DuckDB's type detection and keeps the original column names", async () => {
    ws.write("cars.csv", "Miles_per_Gallon,Name,Year,Imported\n18.5,chevrolet chevelle,1970-01-01,true\n,buick skylark,1971-01-01,false\n");
    expect(await all({ path: "cars.csv" })).toEqual([
      { Miles_per_Gallon: 18.5, Name: "chevrolet chevelle", Year: "1970-01-01", Imported: true },
      { Miles_per_Gallon: null, Name: "buick skylark", Year: "1971-01-01", Imported: false },
    ]);
  });

  it("reads a .tsv by sniffing the tab delimiter, and integers as numbers", async () => {
    ws.write("t.tsv", "id\tlabel\n1\ta,b\n2\tc\n");
    expect(await all({ path: "t.tsv" })).toEqual([
      { id: 1, label: "a,b" },
      { id: 2, label: "c" },
    ]);
  });

  it("pages a file larger than one DuckDB chunk into exact pages", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `${i},row ${i}`);
    ws.write("big.csv", `id,name\n${lines.join("\n")}\n`);
    const pages = await read({ path: "big.csv" }, { pageSize: 3000 });
    expect(pages.map((page) => page.length)).toEqual([3000, 2000]);
    const ids = pages.flat().map((record) => record.id);
    expect(new Set(ids).size).toBe(5000);
    expect(Math.max(...ids.map(Number))).toBe(4999);
  });

  it("reports DuckDB's read error as a path error naming the file", async () => {
    // DuckDB sniffs types from a sample; a late value that does not fit fails the read.
    const ints = Array.from({ length: 30_000 }, (_, i) => String(i));
    ws.write("bad.csv", `a\n${ints.join("\n")}\nnot a number\n`);
    const error = await failure(() => all({ path: "bad.csv" }));
    expect(error.field).toBe("path");
    expect(error.message).toMatch(/^cannot read "bad.csv": .*Line: 30002/s);
    expect(error.message).toContain('Could not convert string "not a number"');
    expect(error.message).not.toContain("Possible solutions");
  });
});

describe("Parquet", () => {
  it("reads typed columns as plain values: ISO timestamps and dates, safe integers as numbers", async () => {
    await writeParquet(
      "rides.parquet",
      `SELECT i AS "Ride ID", 'r' || i AS name, TIMESTAMP '2024-01-02 03:04:05.123456' + INTERVAL (i) HOUR AS started_at,
              DATE '2024-01-02' AS day, 9007199254740993::BIGINT AS big, {'lat': 1.5, 'tags': ['a', 'b']} AS place
       FROM range(3) t(i)`,
    );
    const records = await all({ path: "rides.parquet" });
    expect(records).toHaveLength(3);
    expect(records[1]).toEqual({
      "Ride ID": 1,
      name: "r1",
      started_at: "2024-01-02T04:04:05.123456",
      day: "2024-01-02",
      big: 9007199254740993n,
      place: { lat: 1.5, tags: ["a", "b"] },
    });
  });

  it("pages by pageSize", async () => {
    await writeParquet("n.parquet", "SELECT i FROM range(5) t(i)");
    const pages = await read({ path: "n.parquet" }, { pageSize: 2 });
    expect(pages.map((page) => page.map((record) => record.i))).toEqual([[0, 1], [2, 3], [4]]);
  });
});

describe("NDJSON", () => {
  it("streams lines into pages, skipping blank lines and accepting CRLF and .jsonl", async () => {
    ws.write("e.jsonl", '{"id":1,"tags":["x"]}\r\n\r\n{"id":2}\r\n{"id":3}\n{"id":4}\n{"id":5}');
    const pages = await read({ path: "e.jsonl" }, { pageSize: 2 });
    expect(pages.map((page) => page.map((record) => record.id))).toEqual([[1, 2], [3, 4], [5]]);
    expect(pages[0]?.[0]).toEqual({ id: 1, tags: ["x"] });
  });

  it("names the line of a malformed record", async () => {
    ws.write("e.ndjson", '{"id":1}\n{"id":2}\n\n{"id": 3,\n');
    const error = await failure(() => all({ path: "e.ndjson" }));
    expect(error.field).toBe("path");
    expect(error.message).toMatch(/^"e.ndjson" line 4: malformed JSON/);
  });

  it("refuses a line that is not an object", async () => {
    ws.write("e.ndjson", '{"id":1}\n[1,2]\n');
    expect((await failure(() => all({ path: "e.ndjson" }))).message).toBe('"e.ndjson" line 2: an array, not a JSON object');
  });
});

describe("JSON", () => {
  it("reads a top-level array in pages", async () => {
    ws.write("a.json", '\uFEFF[{"id":1},{"id":2},{"id":3}]');
    const pages = await read({ path: "a.json" }, { pageSize: 2 });
    expect(pages).toEqual([[{ id: 1 }, { id: 2 }], [{ id: 3 }]]);
  });

  it("follows a dotted data_path", async () => {
    ws.write("b.json", JSON.stringify({ meta: { n: 2 }, results: { items: [{ id: "a" }, { id: "b" }] } }));
    expect(await all({ path: "b.json", data_path: "results.items" })).toEqual([{ id: "a" }, { id: "b" }]);
  });

  it("explains a top-level object without data_path, a missing data_path and a non-array one", async () => {
    ws.write("b.json", JSON.stringify({ meta: { n: 2 }, results: { items: [] } }));
    const noPath = await failure(() => all({ path: "b.json" }));
    expect(noPath.field).toBe("data_path");
    expect(noPath.message).toBe('"b.json" holds an object (its keys: meta, results), not an array of records; set data_path to where the records are');
    expect((await failure(() => all({ path: "b.json", data_path: "results.rows" }))).message).toBe('"results.rows" not found in "b.json"');
    expect((await failure(() => all({ path: "b.json", data_path: "meta" }))).message).toBe('"meta" in "b.json" is an object, not an array of records');
  });

  it("locates malformed JSON and refuses non-object records", async () => {
    ws.write("bad.json", '[\n  {"id": 1},\n  {"id": }\n]');
    expect((await failure(() => all({ path: "bad.json" }))).message).toBe('"bad.json": malformed JSON at line 3, column 10');
    ws.write("scalars.json", '[{"id": 1}, 2]');
    expect((await failure(() => all({ path: "scalars.json" }))).message).toBe('"scalars.json": record 2 is a number, not a JSON object');
  });
});

describe("format and options", () => {
  it("lets format override the extension", async () => {
    ws.write("export.txt", '{"id":1}\n{"id":2}\n');
    expect(await all({ path: "export.txt", format: "ndjson" })).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("names an unknown extension and the supported ones, before touching the file", async () => {
    const error = await failure(async () => readFilePages(ws.dataDir, { path: "missing.xlsx" }));
    expect(error.field).toBe("format");
    expect(error.message).toBe('unknown file extension ".xlsx"; supported: .csv, .tsv, .json, .ndjson, .jsonl, .parquet, or set format: csv|json|ndjson|parquet');
  });

  it("refuses data_path for formats other than JSON", async () => {
    ws.write("a.csv", "a\n1\n");
    expect((await failure(async () => readFilePages(ws.dataDir, { path: "a.csv", data_path: "x" }))).field).toBe("data_path");
  });

  it("refuses unsafe paths synchronously, before any page is read", () => {
    expect(() => readFilePages(ws.dataDir, { path: "../x.csv" })).toThrow(FileSourceError);
    expect(() => readFilePages(ws.dataDir, { path: "/etc/passwd", format: "csv" })).toThrow("outside the data directory");
  });

  it("stops when the signal is aborted", async () => {
    ws.write("e.ndjson", Array.from({ length: 10 }, (_, i) => JSON.stringify({ i })).join("\n"));
    const controller = new AbortController();
    const seen: number[] = [];
    const run = async () => {
      for await (const page of readFilePages(ws.dataDir, { path: "e.ndjson" }, { pageSize: 2, signal: controller.signal })) {
        seen.push(page.length);
        controller.abort();
      }
    };
    await expect(run()).rejects.toThrow();
    expect(seen).toEqual([2]);
  });

  it("stops a DuckDB read early without leaking (the consumer breaks out)", async () => {
    await writeParquet("n.parquet", "SELECT i FROM range(10000) t(i)");
    for await (const page of readFilePages(ws.dataDir, { path: "n.parquet" }, { pageSize: 10 })) {
      expect(page).toHaveLength(10);
      break;
    }
    // A second read opens its own instance and sees the whole file.
    expect((await all({ path: "n.parquet" })).length).toBe(10000);
  });
});
