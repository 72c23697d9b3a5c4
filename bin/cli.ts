// The `assetbook` command line: check, run and fmt notebooks from a terminal; trigger runs on a server.
import { ConfigError } from "../lib/config";
import { SelectionError } from "../lib/graph/plan";
import type { Out } from "./args";
import { IMPORT_USAGE, LIFECYCLE_USAGE, REVIEW_USAGE, TRIGGER_COMMAND, TRIGGER_OPTIONS, UsageError } from "./usage";

const USAGE = `Usage:
  assetbook check [NOTEBOOK|DIR...]                 parse, validate and build the graph; runs nothing
  assetbook run NOTEBOOK [--db FILE] [--select SEL] [--data-dir DIR] [--partition KEY] [--env NAME] [--full-refresh] [--param K=V]...
                                                    materialize the selected assets in graph order
  assetbook fmt [--check] [NOTEBOOK|DIR...]         rewrite notebooks in canonical form
${LIFECYCLE_USAGE}
${REVIEW_USAGE}
${TRIGGER_COMMAND}
${IMPORT_USAGE}

  check and fmt take every notebook in a directory named, and in the notebooks directory
  (ASSETBOOK_NOTEBOOKS_DIR, default notebooks/) when nothing is named; check reports an
  asset that two of them produce.

  --db FILE        DuckDB file to materialize into (default: data/dev.duckdb)
  --select SEL     name, name+ (and below), +name (and above), +name+, or tag:, owner:, kind:,
                   notebook:, path: (same + forms); space = union, comma = intersection
  --data-dir DIR   directory that SQL may read files from (default: ASSETBOOK_DATA_DIR, else data/)
  --full-refresh   run: build incremental cells whole, as on their first run
  --param K=V      run: a parameter the notebook declares (front matter params:), checked first
  --partition KEY  run: one partition of a partitioned notebook (required there); its SQL and
                   extract rows replace only that partition's, tagged in the _partition column

${TRIGGER_OPTIONS}`;

export async function main(argv: string[], out: Out = console.log, err: Out = console.error): Promise<number> {
  const [command, ...rest] = argv;
  // `assetbook <command> --help`: the usage (each command's line is in it), not an unknown option.
  if (command !== undefined && (rest.includes("--help") || rest.includes("-h"))) {
    out(USAGE);
    return 0;
  }
  try {
    switch (command) {
      // Each command's module (and what it needs: DuckDB, the engine, the catalog) loads only when it runs.
      case "check":
        return await (await import("./check-command")).check(rest, out, err);
      case "run":
        return await (await import("./run-command")).run(rest, out, err);
      case "fmt":
        return await (await import("./fmt-command")).fmt(rest, out, err);
      case "import":
        return await (await import("./import-command")).importCommand(rest, out, err);
      case "trigger":
        return await (await import("./trigger")).trigger(rest, { env: process.env, out, err });
      case "review":
        return await (await import("./review")).review(rest, process.env, out, err);
      case "plan":
      case "build":
      case "diff":
      case "promote":
      case "rollback":
      case "env":
        return await (await import("./lifecycle")).lifecycle(command, rest, out, err);
      case "help":
      case "--help":
      case "-h":
        out(USAGE);
        return 0;
      default:
        err(command ? `assetbook: unknown command "${command}"\n\n${USAGE}` : USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof SelectionError || e instanceof ConfigError) {
      err(`assetbook ${command}: ${e.message}`);
      return 2;
    }
    // Anything else (a warehouse file locked by another process, or not a database) in one
    // line, not a stack of the built bundle; ASSETBOOK_DEBUG=1 shows the stack.
    if (process.env.ASSETBOOK_DEBUG === "1") throw e;
    err(`assetbook ${command}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
