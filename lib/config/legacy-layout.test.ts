import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from ".";
import { moveLegacyState } from "./legacy-layout";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), "assetbook-legacy-"));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const exists = (file: string) => readFile(file).then(() => true, () => false);

describe("the old layout (catalog and keys in the data directory)", () => {
  it("moves the catalog, the keys and the warehouse into the state directory, once, overwriting nothing", async () => {
    const data = path.join(cwd, "data");
    await mkdir(path.join(data, "catalog"), { recursive: true });
    await writeFile(path.join(data, "catalog", "PG_VERSION"), "17");
    await writeFile(path.join(data, "secret-key"), "old-secret-key\n");
    await writeFile(path.join(data, "auth-secret"), "old-auth-secret\n");
    await writeFile(path.join(data, "warehouse.duckdb"), "db");
    await writeFile(path.join(data, "orders.csv"), "id\n1\n");
    await mkdir(path.join(cwd, ".assetbook"));
    await writeFile(path.join(cwd, ".assetbook", "auth-secret"), "newer\n");

    const config = parseConfig({}, cwd);
    const moved = await moveLegacyState(config, cwd);
    expect(moved).toHaveLength(3);
    expect(await readFile(path.join(cwd, ".assetbook", "catalog", "PG_VERSION"), "utf8")).toBe("17");
    expect(await readFile(path.join(cwd, ".assetbook", "secret-key"), "utf8")).toBe("old-secret-key\n");
    expect(await readFile(path.join(cwd, ".assetbook", "auth-secret"), "utf8")).toBe("newer\n");
    expect(await exists(path.join(data, "auth-secret"))).toBe(true); // not overwritten, so left for the operator
    expect(await exists(path.join(data, "secret-key"))).toBe(false);
    expect(await exists(path.join(data, "orders.csv"))).toBe(true);
    expect(await moveLegacyState(config, cwd)).toEqual([]);
  });

  it("leaves paths the operator set where they are", async () => {
    await mkdir(path.join(cwd, "data", "catalog"), { recursive: true });
    await writeFile(path.join(cwd, "data", "warehouse.duckdb"), "db");
    const config = parseConfig({ ASSETBOOK_CATALOG_DIR: path.join(cwd, "elsewhere"), ASSETBOOK_WAREHOUSE: path.join(cwd, "data", "warehouse.duckdb"), ASSETBOOK_SECRET_KEY: "k", ASSETBOOK_AUTH_SECRET: "a" }, cwd);
    expect(await moveLegacyState(config, cwd)).toEqual([]);
    expect(await exists(path.join(cwd, "data", "warehouse.duckdb"))).toBe(true);
  });
});
