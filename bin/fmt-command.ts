// `assetbook fmt`: rewrites notebooks in canonical form (`--check`: only says which are not).
import fs from "node:fs";
import path from "node:path";
import { formatNotebook, parseNotebook } from "../lib/notebook";
import { notebookFiles, parse, printIssues, readNotebook, type Out } from "./args";

export async function fmt(args: string[], out: Out, err: Out): Promise<number> {
  const { positionals: named, values } = parse(args, { check: { type: "boolean", default: false } });
  const positionals = await notebookFiles(named, err);
  let status = 0;
  let canonical = 0;
  for (const file of positionals) {
    const text = readNotebook(file);
    // Only a notebook that parses is rewritten: formatting must never hide or move an error.
    const parsed = parseNotebook(text, file);
    const formatted = formatNotebook(text, file);
    if (!parsed.ok || !formatted.ok) {
      printIssues(parsed.ok ? (formatted.ok ? [] : formatted.issues) : parsed.issues, err);
      status = 1;
      continue;
    }
    if (formatted.text === text) {
      canonical++;
      continue;
    }
    if (values.check) {
      err(`${file}: not in canonical form (run: assetbook fmt ${file})`);
      status = 1;
    } else {
      writeAtomically(file, formatted.text);
      out(`formatted ${file}`);
    }
  }
  if (canonical > 0) out(`${canonical} notebook${canonical === 1 ? "" : "s"} ${values.check && status === 0 ? "" : "already "}in canonical form`);
  return status;
}

/** Write beside the file, then rename over it: a crash never leaves half a notebook. */
function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
