import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolFiles } from "./spool-files";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "spool-files-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const page = (records: unknown[], array: Buffer | string = JSON.stringify(records)) => ({ count: records.length, array });

async function readAll(files: SpoolFiles): Promise<unknown[][]> {
  const pages: unknown[][] = [];
  for await (const records of files.readBack()) pages.push(records);
  return pages;
}

describe("SpoolFiles", () => {
  it("joins pages into one JSON array a file until the file holds its bytes, and reads them back in their pages", async () => {
    const files = new SpoolFiles(dir, 40);
    const pages = [[{ a: 1 }, { a: 2 }], [], [{ a: 3 }], [{ a: 4, b: "x".repeat(30) }], [{ a: 5 }]];
    const closed: (string | undefined)[] = [];
    for (const records of pages) closed.push(await files.add(page(records)));
    // The fourth page fills the first file past 40 bytes: it closes there; the fifth opens the next.
    expect(closed.map((file) => file && path.basename(file))).toEqual([undefined, undefined, undefined, "0.json", undefined]);
    expect(files.finish()).toBe(path.join(dir, "1.json"));
    expect(JSON.parse(fs.readFileSync(path.join(dir, "0.json"), "utf8"))).toEqual(pages.slice(0, 4).flat());
    expect(JSON.parse(fs.readFileSync(path.join(dir, "1.json"), "utf8"))).toEqual([{ a: 5 }]);
    expect(await readAll(files)).toEqual(pages);
  });

  it("keeps a body's records as they came, whitespace and a byte order mark around the array dropped", async () => {
    const files = new SpoolFiles(dir);
    await files.add(page([{ n: 1.5 }, { n: 2 }], Buffer.from('\ufeff \n[{"n":1.50} ,\n {"n":2}]\r\n')));
    await files.add(page([{ s: "]" }], Buffer.from('[{"s":"]"}]')));
    const file = files.finish();
    expect(fs.readFileSync(file ?? "", "utf8")).toBe('[{"n":1.50} ,\n {"n":2},{"s":"]"}]');
  });

  it("reads back with the file still open, and refuses a file that lost records", async () => {
    const files = new SpoolFiles(dir);
    await files.add(page([{ a: 1 }, { a: 2 }]));
    expect(await readAll(files)).toEqual([[{ a: 1 }, { a: 2 }]]);
    fs.writeFileSync(path.join(dir, "0.json"), "[1]");
    await expect(readAll(files)).rejects.toThrow("the spool's pages do not read back (page 1)");
  });

  it("writes a page of over a megabyte through the thread pool, whole, between smaller ones", async () => {
    const files = new SpoolFiles(dir, 4 * 1024 * 1024);
    const big = Array.from({ length: 20_000 }, (_, id) => ({ id, text: "x".repeat(80) }));
    const pages = [[{ id: -1 }], big, [{ id: -2 }]];
    for (const records of pages) await files.add(page(records));
    expect(fs.statSync(path.join(dir, "0.json")).size).toBeGreaterThan(1024 * 1024);
    expect(await readAll(files)).toEqual(pages);
  });

  it("refuses a page that is not an array", async () => {
    const files = new SpoolFiles(dir);
    await expect(files.add({ count: 1, array: '{"a":1}' })).rejects.toThrow("a spooled page is not a JSON array");
    files.close();
  });
});
