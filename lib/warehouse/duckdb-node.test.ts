import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { warehouseConformance } from "./conformance";
import { openDuckDbWarehouse } from "./duckdb-node";
import { WarehouseError } from "./errors";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-wh-test-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let fileCounter = 0;
function freshDbPath(): string {
  fileCounter += 1;
  return path.join(scratch, `wh-${fileCounter}.duckdb`);
}

warehouseConformance("duckdb-node (:memory:)", () => openDuckDbWarehouse({ path: ":memory:" }));
warehouseConformance("duckdb-node (file)", () => openDuckDbWarehouse({ path: freshDbPath(), dataDir: scratch }));

describe("duckdb-node specifics", () => {
  it("applies the lockdown settings on open", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: scratch, memoryLimit: "1GB", threads: 2 });
    try {
      const rows = await warehouse.query(
        "select name, value from duckdb_settings() where name in ('enable_external_access', 'lock_configuration', " +
          "'autoinstall_known_extensions', 'autoload_known_extensions', 'allow_community_extensions', 'threads', 'allowed_directories') order by name",
      );
      const settings = Object.fromEntries(rows.map((row) => [String(row.name), String(row.value)]));
      expect(settings).toMatchObject({
        enable_external_access: "false",
        lock_configuration: "true",
        autoinstall_known_extensions: "false",
        autoload_known_extensions: "false",
        allow_community_extensions: "false",
        threads: "2",
      });
      expect(settings.allowed_directories).toContain(fs.realpathSync(scratch));
      // The :memory: temp directory is our own, not <cwd>/.tmp.
      expect(settings.allowed_directories).not.toContain(path.join(process.cwd(), ".tmp"));
    } finally {
      await warehouse.close();
    }
  });

  it("keeps data in a file across close and reopen", async () => {
    const dbPath = freshDbPath();
    const first = await openDuckDbWarehouse({ path: dbPath });
    await first.loadRows("kept", [{ name: "v", type: "BIGINT" }], [{ v: 7 }]);
    await first.swap([], [{ key: "cursor", value: "c1" }]);
    await first.close();
    const second = await openDuckDbWarehouse({ path: dbPath });
    try {
      expect(await second.query("select v from kept")).toEqual([{ v: 7 }]);
      expect(await second.readState("cursor")).toBe("c1");
    } finally {
      await second.close();
    }
  });

  it("reopens a file whose writer was SIGKILLed: committed work replayed from the WAL, the open swap gone", async () => {
    const dbPath = freshDbPath();
    // A writer that commits a table, starts a swap, and is killed before COMMIT.
    const script = `
      import { DuckDBInstance } from "@duckdb/node-api";
      const instance = await DuckDBInstance.create(${JSON.stringify(dbPath)});
      const c = await instance.connect();
      await c.run("create table t as select range as x from range(50000)");
      await c.run("create table t__s as select 42 as x");
      await c.run("begin");
      await c.run("drop table t");
      await c.run("alter table t__s rename to t");
      process.kill(process.pid, "SIGKILL");
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: process.cwd(), encoding: "utf8" });
    expect(child.signal).toBe("SIGKILL");
    expect(fs.existsSync(`${dbPath}.wal`)).toBe(true);
    const warehouse = await openDuckDbWarehouse({ path: dbPath });
    try {
      expect(await warehouse.query("select count(*) as n, max(x) as top from t")).toEqual([{ n: 50000, top: 49999 }]);
      expect(await warehouse.query("select x from t__s")).toEqual([{ x: 42 }]);
    } finally {
      await warehouse.close();
    }
  });

  it("refuses a second warehouse on the same file in this process, and allows it after close", async () => {
    const dbPath = freshDbPath();
    const first = await openDuckDbWarehouse({ path: dbPath });
    const error: unknown = await openDuckDbWarehouse({ path: dbPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    if (error instanceof WarehouseError) expect(error.kind).toBe("file_in_use");
    await first.close();
    const again = await openDuckDbWarehouse({ path: dbPath });
    await again.close();
  });

  it("refuses a file another process holds, with a hint", async () => {
    const dbPath = freshDbPath();
    const holder = spawn(
      process.execPath,
      ["--input-type=module", "-e", `import { DuckDBInstance } from "@duckdb/node-api"; await DuckDBInstance.create(${JSON.stringify(dbPath)}); console.log("ready"); setInterval(() => {}, 1000);`],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await once(holder.stdout, "data");
      const error: unknown = await openDuckDbWarehouse({ path: dbPath }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseError);
      if (error instanceof WarehouseError) {
        expect(error.kind).toBe("file_in_use");
        expect(error.hint).toContain("one writer per database file");
      }
    } finally {
      holder.kill("SIGKILL");
      await once(holder, "exit");
    }
  });

  it("removes its private temp directory on close", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    const [row] = await warehouse.query("select current_setting('temp_directory') as dir");
    const dir = String(row?.dir);
    expect(dir.startsWith(os.tmpdir())).toBe(true);
    await warehouse.close();
    expect(fs.existsSync(dir)).toBe(false);
  });
});
