import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedExampleData } from "./example-data";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "assetbook-examples-"));
  await mkdir(path.join(root, "pkg"), { recursive: true });
  await mkdir(path.join(root, "notebooks"), { recursive: true });
  await writeFile(path.join(root, "pkg", "birds.json"), "[1,2,3]");
});
afterEach(() => rm(root, { recursive: true, force: true }));

const examples = [{ notebook: "birds", file: "birds.json", source: "pkg/birds.json" }];
const seed = () => seedExampleData({ root, dataDir: path.join(root, "data"), notebooksDir: path.join(root, "notebooks"), examples });

describe("seedExampleData", () => {
  it("copies an example's data while its notebook is there, once, and never over the user's file", async () => {
    expect(await seed()).toEqual([]);
    await writeFile(path.join(root, "notebooks", "birds.md"), "# Birds\n");
    expect(await seed()).toEqual(["birds.json"]);
    expect(await readFile(path.join(root, "data", "birds.json"), "utf8")).toBe("[1,2,3]");
    await writeFile(path.join(root, "data", "birds.json"), "[9]");
    expect(await seed()).toEqual([]);
    expect(await readFile(path.join(root, "data", "birds.json"), "utf8")).toBe("[9]");
  });

  it("the shipped examples name files that exist", async () => {
    const copied = await seedExampleData({ root: process.cwd(), dataDir: path.join(root, "data"), notebooksDir: path.join(process.cwd(), "notebooks") });
    expect(copied).toEqual(["penguins.json"]);
  });
});
