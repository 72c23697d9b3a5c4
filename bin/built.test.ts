// The built command line (scripts/build-cli.mjs): what a build holds, that `help` loads no
// command's modules, and that the launcher notices a changed source.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildCli, currentBuild, ENTRIES, newestSourceMtime } from "../scripts/build-cli.mjs";

const root = path.resolve(import.meta.dirname, "..");

/**
 * The packages a built module loads when it is loaded: its own static imports and requires
 * (a bundled CommonJS package requires its dependencies, as `__require`) and its static chunks', not its
 * dynamic imports. The build is minified, so statements share lines.
 */
function staticPackages(dir: string, file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const code = fs.readFileSync(path.join(dir, file), "utf8");
  for (const match of code.matchAll(/(?:^|[;\n])\s*import\s*(?:[^"'();]*?from\s*)?"([^"]+)"/g)) {
    const target = match[1] ?? "";
    if (target.startsWith("./")) for (const p of staticPackages(dir, target.slice(2), seen)) packages.add(p);
    else packages.add(target);
  }
  for (const match of code.matchAll(/require\("([^"]+)"\)/g)) packages.add(match[1] ?? "");
  return packages;
}

describe("the built command line", () => {
  it("builds every entry into a directory of its own, named by current.json", async () => {
    const dir = await buildCli();
    expect(currentBuild()?.dir).toBe(dir);
    for (const name of Object.keys(ENTRIES)) expect(fs.existsSync(path.join(dir, `${name}.mjs`))).toBe(true);
    // The CLI starts without DuckDB, the engine or the catalog: each command loads its own.
    const atStart = staticPackages(dir, "cli.mjs");
    // DuckDB's API is bundled; its native bindings are what loading it requires.
    for (const heavy of ["@duckdb/node-bindings", "apache-arrow", "@prisma/client", "@electric-sql/pglite", "undici", "ml-matrix"]) expect(atStart).not.toContain(heavy);
    const run = fs.readdirSync(dir).find((f) => f.startsWith("run-command") && f.endsWith(".mjs"));
    expect(run && staticPackages(dir, run)).toContain("@duckdb/node-bindings");
  });

  it("finds the newest source, ignoring tests", () => {
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-built-"));
    try {
      for (const sub of ["bin", "lib/x", "workers"]) fs.mkdirSync(path.join(fake, sub), { recursive: true });
      for (const file of ["package.json", "tsconfig.json", "bin/a.ts", "lib/x/b.ts", "workers/c.ts", "lib/x/b.test.ts"]) fs.writeFileSync(path.join(fake, file), "");
      const at = (file: string, seconds: number) => fs.utimesSync(path.join(fake, file), seconds, seconds);
      for (const file of ["package.json", "tsconfig.json", "bin/a.ts", "lib/x/b.ts", "workers/c.ts"]) at(file, 1_000);
      at("lib/x/b.test.ts", 9_000);
      expect(newestSourceMtime(fake)).toBe(1_000_000);
      at("lib/x/b.ts", 2_000);
      expect(newestSourceMtime(fake)).toBe(2_000_000);
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });

  it("runs from any directory, and `help` answers", () => {
    const r = spawnSync(process.execPath, [path.join(root, "bin", "assetbook.mjs"), "help"], { cwd: os.tmpdir(), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("assetbook check");
  });
});
