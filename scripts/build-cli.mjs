// Builds the command line, the workers and the server's training thread into plain
// JavaScript, so they start without compiling TypeScript (tsx took about a second at each
// start). Run by `npm install` (postinstall) and, when a source is newer than the build, by
// the launchers themselves (bin/built.mjs): a checkout being edited never runs stale code.
//
// Each build goes to a directory of its own under dist/, and dist/current.json names the
// newest; it is replaced atomically, so processes starting at once never see half a build.
// Packages stay in node_modules (imported at run time) but the few pure-JavaScript ones on
// the command line's path (BUNDLED); the output is minified of whitespace (less to parse at
// each start); commands load their modules on first use (code splitting), so
// `assetbook check` does not load the catalog's database.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.join(ROOT, "dist");
const POINTER = path.join(DIST, "current.json");
/**
 * Earlier builds kept: a running process loads modules from its own build on first use. A
 * build is removed only when five newer ones exist and it is over a day old.
 */
const KEPT_BUILDS = 5;
const KEPT_MS = 24 * 3600_000;

/** The entries: the name each is imported by (bin/built.mjs), and its source. */
export const ENTRIES = {
  cli: "bin/cli.ts",
  worker: "workers/index.ts",
  // lib/ml/thread.ts starts "thread-entry.mjs" beside itself: here, the training thread built.
  "thread-entry": "lib/ml/thread-worker.ts",
};

const SOURCE_DIRS = ["bin", "lib", "workers"];
const SOURCE_FILES = ["package.json", "tsconfig.json"];
const SOURCE_EXTENSIONS = /\.(ts|mts|mjs|js|json)$/;

/** The newest modification time (ms) among the sources a build reads. */
export function newestSourceMtime(root = ROOT) {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") visit(file);
      } else if (SOURCE_EXTENSIONS.test(entry.name) && !entry.name.includes(".test.")) {
        newest = Math.max(newest, fs.statSync(file).mtimeMs);
      }
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
  for (const file of SOURCE_FILES) newest = Math.max(newest, fs.statSync(path.join(root, file)).mtimeMs);
  return newest;
}

/** The current build ({ dir, sources }), or null when there is none. */
export function currentBuild() {
  try {
    const pointer = JSON.parse(fs.readFileSync(POINTER, "utf8"));
    if (typeof pointer.dir !== "string" || typeof pointer.sources !== "number") return null;
    const dir = path.join(DIST, pointer.dir);
    return fs.existsSync(dir) ? { dir, sources: pointer.sources } : null;
  } catch {
    return null;
  }
}

/**
 * Pure-JavaScript packages on the command line's path, bundled into the build: loading each
 * from node_modules costs Node's resolution and, for CommonJS, its export lexer on every
 * start (about 100 ms of `assetbook run`). Every other package stays in node_modules.
 */
const BUNDLED = new Set(["zod", "yaml", "@duckdb/node-api", "croner"]);

/** Every installed package but the bundled ones, as esbuild's `external` patterns. */
function externalPackages() {
  const modules = path.join(ROOT, "node_modules");
  const names = fs.readdirSync(modules).flatMap((entry) => {
    if (entry.startsWith(".")) return [];
    if (!entry.startsWith("@")) return [entry];
    return fs.readdirSync(path.join(modules, entry)).map((sub) => `${entry}/${sub}`);
  });
  return names.filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);
}

/** Builds every entry into a new directory and makes it the current build; returns its path. */
export async function buildCli() {
  const { build } = await import("esbuild");
  const sources = newestSourceMtime();
  const name = `build-${Date.now()}-${randomUUID().slice(0, 8)}`;
  const outdir = path.join(DIST, name);
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: externalPackages(),
    // A bundled CommonJS package requires its own dependencies (DuckDB's native bindings).
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    sourcemap: "linked",
    minifyWhitespace: true,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  const temporary = `${POINTER}.${name}`;
  fs.writeFileSync(temporary, JSON.stringify({ dir: name, sources }));
  fs.renameSync(temporary, POINTER);
  removeOldBuilds(name);
  return outdir;
}

function removeOldBuilds(current) {
  const builds = fs
    .readdirSync(DIST)
    .filter((entry) => entry.startsWith("build-") && entry !== current)
    .sort()
    .reverse();
  for (const old of builds.slice(KEPT_BUILDS - 1)) {
    const builtAt = Number(old.split("-")[1]);
    if (Date.now() - builtAt > KEPT_MS) fs.rmSync(path.join(DIST, old), { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const started = performance.now();
  const outdir = await buildCli();
  console.log(`built ${Object.keys(ENTRIES).join(", ")} into ${path.relative(ROOT, outdir)} in ${Math.round(performance.now() - started)} ms`);
}
