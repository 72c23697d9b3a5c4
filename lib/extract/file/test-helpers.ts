// Test fixtures: a throwaway workspace with a data directory beside a sibling that shares its name prefix.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { Warehouse } from "../../warehouse/types";
import { schemaStateKey } from "../load/asset-state";
import type { FileRecord } from "./pages";
import type { ExtractOutcome } from "../run";

export interface Workspace {
  root: string;
  dataDir: string;
  write(relative: string, content: string): string;
  cleanup(): void;
}

export function makeWorkspace(): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-file-"));
  const dataDir = path.join(root, "data");
  fs.mkdirSync(dataDir);
  return {
    root,
    dataDir,
    write(relative, content) {
      const file = path.join(dataDir, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export async function collect(pages: AsyncIterable<FileRecord[]>): Promise<FileRecord[][]> {
  const out: FileRecord[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** A table as both extract paths must leave it: its columns and its rows (bigints marked), or null columns when absent. */
export async function tableSnapshot(warehouse: Warehouse, name: string): Promise<unknown> {
  const columns = await warehouse.describe(name);
  const rows = columns === null ? null : await warehouse.query(`SELECT * FROM "${name}" ORDER BY ALL`);
  return { columns, rows: JSON.parse(JSON.stringify(rows, (_, value: unknown) => (typeof value === "bigint" ? `${value}n` : value))) as unknown };
}

/** The same table and stored schema state (names mapping) in both warehouses. */
export async function expectSameTables(actual: Warehouse, expected: Warehouse, name: string): Promise<void> {
  expect(await tableSnapshot(actual, name)).toEqual(await tableSnapshot(expected, name));
  expect(await actual.readState(schemaStateKey(name))).toEqual(await expected.readState(schemaStateKey(name)));
}

/** An extract's outcome less which way its rows went (ExtractLoadResult.staged, the note), for comparing the two paths. */
export function outcomeOf(outcome: ExtractOutcome): unknown {
  if (!outcome.ok) return outcome;
  const load: Partial<typeof outcome.load> = { ...outcome.load };
  delete load.staged;
  const compared: Partial<typeof outcome> = { ...outcome, load: undefined };
  delete compared.note;
  return { ...compared, load };
}
