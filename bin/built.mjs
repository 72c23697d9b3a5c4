// Imports an entry of the built command line (scripts/build-cli.mjs), building it first when
// there is no build or a source is newer than it.
import { buildCli, currentBuild, newestSourceMtime } from "../scripts/build-cli.mjs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The module of entry `name` ("cli", "worker"). */
export async function importBuilt(name) {
  const build = currentBuild();
  const dir = build !== null && build.sources >= newestSourceMtime() ? build.dir : await buildCli();
  return import(pathToFileURL(path.join(dir, `${name}.mjs`)).href);
}
