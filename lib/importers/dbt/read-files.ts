// A dbt project's files from disk, as the importer takes them.
import fs from "node:fs";
import path from "node:path";
import type { DbtFiles } from "./project";

/** Every file of the project but version control, build output and packages; seeds by path only. */
export function readProjectFiles(root: string): DbtFiles {
  const texts = new Map<string, string>();
  const seeds: string[] = [];
  const skip = new Set([".git", "target", "dbt_packages", "dbt_modules", "logs", "node_modules", ".venv"]);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full).split(path.sep).join("/");
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".csv")) seeds.push(relative);
      else if (/\.(sql|ya?ml|md|py)$/.test(entry.name) && fs.statSync(full).size < 2_000_000) texts.set(relative, fs.readFileSync(full, "utf8"));
    }
  };
  walk(root);
  return { texts, seeds };
}

