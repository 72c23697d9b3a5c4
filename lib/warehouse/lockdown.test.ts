// Untrusted SQL against the locked-down duckdb-node warehouse: each statement in the
// corpus must be refused, change nothing, and leave the warehouse usable.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "./duckdb-node";
import { WarehouseError, type WarehouseErrorKind } from "./errors";
import type { Warehouse } from "./types";

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-lockdown-")));
const dataDir = path.join(root, "data");
const outside = path.join(root, "outside");
const sibling = path.join(root, "data-sibling"); // shares the "data" prefix
const dbPath = path.join(root, "warehouse.duckdb");

interface Attack {
  name: string;
  sql: string;
  /** When given, the refusal must be of this kind. */
  kind?: WarehouseErrorKind;
  /** Paths that must not exist afterwards. */
  mustNotCreate?: string[];
}

const q = (text: string) => `'${text.replaceAll("'", "''")}'`;

const ATTACKS: Attack[] = [
  { name: "read_csv of /etc/passwd", sql: "select * from read_csv('/etc/passwd')", kind: "permission" },
  { name: "read_text of /etc/passwd", sql: "select * from read_text('/etc/passwd')", kind: "permission" },
  { name: "read_blob of /etc/passwd", sql: "select * from read_blob('/etc/passwd')", kind: "permission" },
  // Without a known extension DuckDB does not treat it as a file at all: a missing table.
  { name: "bare path /etc/passwd in FROM", sql: "select * from '/etc/passwd'", kind: "missing_table" },
  { name: "bare CSV path outside in FROM", sql: `select * from ${q(path.join(outside, "secret.csv"))}`, kind: "permission" },
  { name: "read_parquet outside the data dir", sql: `select * from read_parquet(${q(path.join(outside, "secret.parquet"))})`, kind: "permission" },
  { name: "glob of /etc", sql: "select * from glob('/etc/*')", kind: "permission" },
  { name: "glob of the data dir's parent", sql: `select * from glob(${q(path.join(root, "*"))})`, kind: "permission" },
  {
    name: "COPY TO a file outside",
    sql: `COPY (select 1) TO ${q(path.join(outside, "x.csv"))}`,
    kind: "permission",
    mustNotCreate: [path.join(outside, "x.csv")],
  },
  {
    name: "COPY TO /tmp",
    sql: `COPY (select 1) TO ${q(path.join(os.tmpdir(), `assetbook-lockdown-${process.pid}.csv`))}`,
    kind: "permission",
    mustNotCreate: [path.join(os.tmpdir(), `assetbook-lockdown-${process.pid}.csv`)],
  },
  {
    name: "COPY TO escaping with ..",
    sql: `COPY (select 1) TO ${q(`${dataDir}/../escaped.csv`)}`,
    kind: "permission",
    mustNotCreate: [path.join(root, "escaped.csv")],
  },
  { name: "COPY FROM /etc/passwd", sql: "COPY victim FROM '/etc/passwd'", kind: "permission" },
  {
    name: "EXPORT DATABASE outside",
    sql: `EXPORT DATABASE ${q(path.join(outside, "export"))}`,
    kind: "permission",
    mustNotCreate: [path.join(outside, "export")],
  },
  {
    name: "ATTACH a database outside",
    sql: `ATTACH ${q(path.join(outside, "other.duckdb"))} AS other`,
    kind: "permission",
    mustNotCreate: [path.join(outside, "other.duckdb")],
  },
  { name: "INSTALL httpfs", sql: "INSTALL httpfs", kind: "extension" },
  { name: "LOAD httpfs", sql: "LOAD httpfs", kind: "extension" },
  { name: "CREATE SECRET (persistent secrets directory)", sql: "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", kind: "permission" },
  { name: "SET enable_external_access", sql: "SET enable_external_access = true", kind: "locked_configuration" },
  { name: "SET GLOBAL enable_external_access", sql: "SET GLOBAL enable_external_access = true", kind: "locked_configuration" },
  { name: "SET allowed_directories", sql: "SET allowed_directories = ['/']", kind: "locked_configuration" },
  { name: "SET allowed_paths", sql: "SET allowed_paths = ['/etc/passwd']", kind: "locked_configuration" },
  { name: "SET lock_configuration = false", sql: "SET lock_configuration = false", kind: "locked_configuration" },
  { name: "RESET lock_configuration", sql: "RESET lock_configuration", kind: "locked_configuration" },
  { name: "RESET enable_external_access", sql: "RESET enable_external_access", kind: "locked_configuration" },
  { name: "PRAGMA memory_limit", sql: "PRAGMA memory_limit = '64GB'", kind: "locked_configuration" },
  { name: "SET memory_limit", sql: "SET memory_limit = '64GB'", kind: "locked_configuration" },
  { name: "SET temp_directory", sql: "SET temp_directory = '/'", kind: "locked_configuration" },
  { name: "SET autoinstall_known_extensions", sql: "SET autoinstall_known_extensions = true", kind: "locked_configuration" },
  { name: "read_csv over http", sql: "select * from read_csv('http://127.0.0.1:1/x')", kind: "permission" },
  { name: "read_csv over https", sql: "select * from read_csv('https://127.0.0.1:1/x.csv')", kind: "permission" },
  { name: "read_csv of file:// URL", sql: "select * from read_csv('file:///etc/passwd')", kind: "permission" },
  { name: "path escaping the data dir with ..", sql: `select * from read_csv(${q(`${dataDir}/../../../../etc/passwd`)})`, kind: "permission" },
  { name: "sibling directory sharing the data dir's prefix", sql: `select * from read_csv(${q(path.join(sibling, "secret.csv"))})`, kind: "permission" },
  // DuckDB resolves symlinks before checking: a link inside the data dir to /etc/passwd is refused.
  { name: "symlink inside the data dir to /etc/passwd", sql: `select * from read_csv(${q(path.join(dataDir, "link.csv"))})`, kind: "permission" },
  { name: "symlinked directory inside the data dir", sql: `select * from read_csv(${q(path.join(dataDir, "etc", "passwd"))})`, kind: "permission" },
  { name: "glob in the data dir that matches the symlink", sql: `select * from read_csv(${q(path.join(dataDir, "*.csv"))})`, kind: "permission" },
  { name: "forbidden read after a harmless statement", sql: "select 1; select * from read_text('/etc/passwd')", kind: "permission" },
];

/** What an attack must not change: the lockdown settings and the data. */
async function snapshot(warehouse: Warehouse): Promise<unknown> {
  const settings = await warehouse.query(
    "select name, value from duckdb_settings() where name in ('enable_external_access', 'allowed_directories', 'allowed_paths', " +
      "'lock_configuration', 'memory_limit', 'temp_directory', 'autoinstall_known_extensions', 'autoload_known_extensions', " +
      "'allow_community_extensions') order by name",
  );
  const tables = await warehouse.query("select database_name, schema_name, table_name from duckdb_tables() order by all");
  const victim = await warehouse.query("select line from victim order by line");
  return { settings, tables, victim };
}

describe("duckdb-node lockdown", () => {
  let warehouse: Warehouse;

  beforeAll(async () => {
    for (const dir of [dataDir, outside, sibling]) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "ok.csv"), "id,name\n1,ada\n2,bob\n");
    fs.writeFileSync(path.join(outside, "secret.csv"), "secret\nhunter2\n");
    fs.writeFileSync(path.join(sibling, "secret.csv"), "secret\nhunter2\n");
    fs.symlinkSync("/etc/passwd", path.join(dataDir, "link.csv"));
    fs.symlinkSync("/etc", path.join(dataDir, "etc"));
    // A real Parquet file outside, written by an unlocked DuckDB.
    const unlocked = await DuckDBInstance.create(":memory:");
    const connection = await unlocked.connect();
    await connection.run(`COPY (select 42 as secret) TO ${q(path.join(outside, "secret.parquet"))} (FORMAT parquet)`);
    connection.closeSync();
    unlocked.closeSync();

    warehouse = await openDuckDbWarehouse({ path: dbPath, dataDir });
    await warehouse.exec("create table victim (line varchar); insert into victim values ('untouched')");
  });

  afterAll(async () => {
    await warehouse.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it.each(ATTACKS)("refuses: $name", async (attack) => {
    const before = await snapshot(warehouse);
    const error: unknown = await warehouse.query(attack.sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, "the statement must be refused").toBeInstanceOf(WarehouseError);
    if (attack.kind && error instanceof WarehouseError) expect(error.kind).toBe(attack.kind);
    for (const file of attack.mustNotCreate ?? []) expect(fs.existsSync(file), file).toBe(false);
    expect(await warehouse.query("select 1 as ok")).toEqual([{ ok: 1 }]);
    expect(await snapshot(warehouse)).toEqual(before);
  });

  it("tells the user where file access is allowed", async () => {
    const error: unknown = await warehouse.query("select * from read_csv('/etc/passwd')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    if (error instanceof WarehouseError) expect(error.hint).toBe(`file access is limited to the workspace data directory (${dataDir})`);
  });

  describe("positive controls", () => {
    it("reads a CSV inside the data directory", async () => {
      const rows = await warehouse.query(`select id, name from read_csv(${q(path.join(dataDir, "ok.csv"))}) order by id`);
      expect(rows).toEqual([
        { id: 1, name: "ada" },
        { id: 2, name: "bob" },
      ]);
      expect(await warehouse.query(`select count(*) as n from ${q(path.join(dataDir, "ok.csv"))}`)).toEqual([{ n: 2 }]);
    });

    it("lists the data directory with glob (the symlink is listed, but reading it is refused above)", async () => {
      const rows = await warehouse.query(`select file from glob(${q(path.join(dataDir, "*"))}) order by file`);
      expect(rows.map((row) => path.basename(String(row.file)))).toEqual(expect.arrayContaining(["ok.csv", "link.csv"]));
    });

    it("may write inside the data directory (DuckDB's allowed_directories allows writes too)", async () => {
      const target = path.join(dataDir, "written.csv");
      await warehouse.exec(`COPY (select 1 as x) TO ${q(target)}`);
      expect(fs.readFileSync(target, "utf8")).toBe("x\n1\n");
    });

    it("reads the data directory when it is given through a symlink", async () => {
      const alias = path.join(root, "alias");
      fs.symlinkSync(dataDir, alias);
      const viaAlias = await openDuckDbWarehouse({ path: ":memory:", dataDir: alias });
      try {
        expect(await viaAlias.query(`select count(*) as n from read_csv(${q(path.join(dataDir, "ok.csv"))})`)).toEqual([{ n: 2 }]);
      } finally {
        await viaAlias.close();
      }
    });

    it("has no file access at all without a data directory", async () => {
      const noData = await openDuckDbWarehouse({ path: ":memory:" });
      try {
        const error: unknown = await noData.query(`select * from read_csv(${q(path.join(dataDir, "ok.csv"))})`).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WarehouseError);
        if (error instanceof WarehouseError) {
          expect(error.kind).toBe("permission");
          expect(error.hint).toBe("file and network access are disabled for this warehouse");
        }
      } finally {
        await noData.close();
      }
    });
  });
});
