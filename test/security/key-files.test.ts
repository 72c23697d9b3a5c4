// The server's keys and the catalog's files live in the state directory, outside the data
// directory that user code may read. This probe tries to read each of them through every
// path that runs user SQL or reads files on the server (SQL cells and custom checks, as the
// CLI and production runs materialize them; file extracts; the extract preview), with the
// default layout of lib/config, and expects a refusal that never quotes the secret.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyFromEnvOrFile } from "@/lib/auth/key-file";
import { parseConfig, type AssetbookConfig } from "@/lib/config";
import { extractRunner } from "@/lib/engine/extract-runner";
import { materializeCell } from "@/lib/engine/materialize-cell";
import { readFilePages } from "@/lib/extract/file";
import { previewExtract } from "@/lib/extract/preview";
import { findAssetCell, parseNotebook } from "@/lib/notebook";
import { formatIssue, type AssetCell } from "@/lib/notebook/types";
import { openDuckDbWarehouse } from "@/lib/warehouse/duckdb-node";
import { openWarehousePool, type WarehousePool } from "@/lib/warehouse/open";

let cwd: string;
let config: AssetbookConfig;
let pool: WarehousePool;
const secrets: string[] = [];
let targets: string[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), "assetbook-key-probe-"));
  config = parseConfig({}, cwd);
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(path.join(config.dataDir, "orders.csv"), "id\n1\n");
  secrets.push(await keyFromEnvOrFile(config.secretKey), await keyFromEnvOrFile(config.authSecret));
  await mkdir(path.join(config.catalogDir, "pg_wal"), { recursive: true });
  const walSecret = "session-token-in-the-wal-5f1c";
  await writeFile(path.join(config.catalogDir, "pg_wal", "000000010000000000000001"), walSecret);
  secrets.push(walSecret);
  if (!("file" in config.secretKey) || !("file" in config.authSecret)) throw new Error("expected key files");
  targets = [config.secretKey.file, config.authSecret.file, path.join(config.catalogDir, "pg_wal", "000000010000000000000001")];
  pool = await openWarehousePool(config.warehouse, { dataDir: config.dataDir, lockTimeoutMs: 1000 });
});

afterAll(async () => {
  await pool?.close();
  await rm(cwd, { recursive: true, force: true });
});

function cellOf(text: string, name: string): AssetCell {
  const parsed = parseNotebook(text, "probe.md");
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
  const cell = findAssetCell(parsed.notebook, name);
  if (!cell) throw new Error(`no cell ${name}`);
  return cell;
}

/** The spellings of a file a user might try: absolute, and relative to the data directory. */
function spellings(file: string): string[] {
  return [file, path.relative(config.dataDir, file)];
}

function expectRefusedWithoutLeak(result: unknown): void {
  const text = JSON.stringify(result);
  expect(result).toMatchObject({ ok: false });
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe("keys and catalog files are out of reach of user code", () => {
  it("lib/config keeps them outside the data directory by default", () => {
    for (const target of targets) expect(path.relative(config.dataDir, target).startsWith("..")).toBe(true);
  });

  it("a SQL cell cannot read them (the CLI's and production's materialization)", async () => {
    const warehouse = pool.shared;
    if (warehouse === null) throw new Error("expected DuckDB");
    for (const target of targets) {
      for (const spelling of spellings(target)) {
        for (const fn of ["read_text", "read_blob", "read_csv"]) {
          const cell = cellOf(`\`\`\`sql probe\nselect * from ${fn}('${spelling}')\n\`\`\`\n`, "probe");
          expectRefusedWithoutLeak(await materializeCell(cell, warehouse, { extract: null }));
        }
      }
    }
  });

  it("a custom check cannot read them", async () => {
    const warehouse = pool.shared;
    if (warehouse === null) throw new Error("expected DuckDB");
    for (const target of targets) {
      const cell = cellOf(`\`\`\`sql probe\n-- check leak: select * from read_text('${target}') where content is not null\nselect 1 as x\n\`\`\`\n`, "probe");
      const result = await materializeCell(cell, warehouse, { extract: null });
      expectRefusedWithoutLeak(result);
    }
  });

  it("a file extract cannot read them, in a run or in a preview", async () => {
    const warehouse = pool.shared;
    if (warehouse === null) throw new Error("expected DuckDB");
    const run = extractRunner({ resolveSecret: () => undefined, dataDir: config.dataDir, readFilePages });
    for (const target of targets) {
      for (const spelling of spellings(target)) {
        const text = `\`\`\`extract probe\nsource: file\npath: "${spelling}"\nformat: csv\n\`\`\`\n`;
        const cell = cellOf(text, "probe");
        if (cell.kind !== "extract") throw new Error("not an extract");
        expectRefusedWithoutLeak(await run(cell, warehouse, undefined));
        const preview = await previewExtract({
          text,
          file: "probe.md",
          cell: "probe",
          openWarehouse: () => openDuckDbWarehouse({ path: ":memory:", dataDir: config.dataDir }),
          resolveSecret: () => undefined,
          dataDir: config.dataDir,
          readFilePages,
        });
        expectRefusedWithoutLeak(preview);
      }
    }
  });

  it("the data directory itself stays readable (the probe is not vacuous)", async () => {
    const warehouse = pool.shared;
    if (warehouse === null) throw new Error("expected DuckDB");
    const cell = cellOf(`\`\`\`sql ok\nselect * from read_csv('${path.join(config.dataDir, "orders.csv")}')\n\`\`\`\n`, "ok");
    expect(await materializeCell(cell, warehouse, { extract: null })).toMatchObject({ ok: true, rows: 1 });
  });
});
