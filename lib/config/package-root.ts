// The directory of Assetbook's own package.json, where its files that are not code live
// (prisma/migrations). Found from this module upwards, so it is right from the source tree,
// the built command line (dist/build-…/) and the Next.js server alike, whatever the working
// directory (the command line is run from a user's project).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let found: string | undefined;

export function packageRoot(): string {
  if (found !== undefined) return found;
  // `turbopackIgnore`: resolved at run time; the bundler must not trace the directories walked.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(/* turbopackIgnore: true */ dir, "package.json");
    if (fs.existsSync(manifest) && isAssetbook(fs.readFileSync(manifest, "utf8"))) return (found = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Assetbook's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function isAssetbook(manifest: string): boolean {
  try {
    const parsed: unknown = JSON.parse(manifest);
    return typeof parsed === "object" && parsed !== null && "name" in parsed && parsed.name === "assetbook";
  } catch {
    return false;
  }
}
