// Test helper: a TypeScript script for a child process, bundled once per test process into
// plain JavaScript under dist/ (packages stay in node_modules, imported at run time, as in
// the built command line: scripts/build-cli.mjs). A child then starts without tsx compiling
// its modules, which took about a second of each start; the kill tests start many.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
const bundles = new Map<string, Promise<string>>();

/** The bundled JavaScript of `source` (a .ts file), to run as `node <it>`. */
export function childScript(source: string): Promise<string> {
  let bundled = bundles.get(source);
  if (bundled === undefined) {
    bundled = bundle(source);
    bundles.set(source, bundled);
  }
  return bundled;
}

async function bundle(source: string): Promise<string> {
  // One file per source, replaced whole (renamed into place): runs leave one each, not one per run.
  const name = `${path.basename(source, ".ts")}-${createHash("sha256").update(path.resolve(source)).digest("hex").slice(0, 8)}.mjs`;
  const outfile = path.join(ROOT, "dist", "test-children", name);
  const { outputFiles } = await build({
    absWorkingDir: ROOT,
    entryPoints: [source],
    outfile,
    write: false,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    // A bundled CommonJS module requires through this (as in scripts/build-cli.mjs).
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: "warning",
  });
  const [output] = outputFiles;
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${source}`);
  await mkdir(path.dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${randomUUID()}`;
  await writeFile(temporary, output.contents);
  await rename(temporary, outfile);
  return outfile;
}
