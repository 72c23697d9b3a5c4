// Before the state directory existed, the embedded catalog, the key files and the warehouse
// file lived in the data directory, where cells could read them. On start, a host moves
// what it finds there into the state directory, once (a rename: nothing is copied, nothing
// overwritten). Only defaults move: a path the operator set is left where it is.
import { access, mkdir, rename } from "node:fs/promises";
import path from "node:path";
import type { AssetbookConfig } from "./index";

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** The files moved, as `from -> to`. The old app kept its files in `./data` whatever ASSETBOOK_DATA_DIR said: both are looked at. */
export async function moveLegacyState(config: Pick<AssetbookConfig, "dataDir" | "stateDir" | "catalogDir" | "warehouse" | "secretKey" | "authSecret">, cwd = process.cwd()): Promise<string[]> {
  const moves: [string, string][] = [];
  const inState = (name: string) => path.join(config.stateDir, name);
  for (const legacy of new Set([config.dataDir, path.resolve(/* turbopackIgnore: true */ cwd, "data")])) {
    if (config.catalogDir === inState("catalog")) moves.push([path.join(legacy, "catalog"), config.catalogDir]);
    for (const key of [config.secretKey, config.authSecret]) {
      if ("file" in key) moves.push([path.join(legacy, path.basename(key.file)), key.file]);
    }
    if (config.warehouse.kind === "duckdb" && config.warehouse.path === inState("warehouse.duckdb")) {
      moves.push([path.join(legacy, "warehouse.duckdb"), config.warehouse.path], [path.join(legacy, "warehouse.duckdb.wal"), `${config.warehouse.path}.wal`]);
    }
  }
  const moved: string[] = [];
  for (const [from, to] of moves) {
    if (!(await exists(from)) || (await exists(to))) continue;
    await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
    await rename(from, to);
    moved.push(`${from} -> ${to}`);
  }
  return moved;
}
