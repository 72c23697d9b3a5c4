import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface NotebookSummary {
  /** File name without the `.md` extension, e.g. `rides`. */
  slug: string;
  /** Path relative to the project root, e.g. `notebooks/rides.md`. */
  file: string;
  /** The front matter `title`, or the slug when there is none. */
  title: string;
}

// The notebooks are read at request time, not traced into the build output.
export const NOTEBOOKS_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), "notebooks");

/** Reads the `title:` key of a leading YAML front matter block, if any. */
export function readTitle(source: string): string | undefined {
  const lines = source.split(/\r?\n/);
  if (lines[0]?.trim() !== "---") return undefined;
  for (const line of lines.slice(1)) {
    if (line.trim() === "---") break;
    const match = /^title:\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) return match[1].replace(/^(["'])(.*)\1$/, "$2");
  }
  return undefined;
}

/** Lists `notebooks/*.md`, sorted by title. A missing folder is an empty list. */
export async function listNotebooks(dir: string = NOTEBOOKS_DIR): Promise<NotebookSummary[]> {
  let names: string[];
  try {
    names = await readdir(/* turbopackIgnore: true */ dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const notebooks = await Promise.all(
    names
      .filter((name) => name.endsWith(".md"))
      .map(async (name): Promise<NotebookSummary> => {
        const slug = name.slice(0, -".md".length);
        const source = await readFile(path.join(/* turbopackIgnore: true */ dir, name), "utf8");
        return { slug, file: `notebooks/${name}`, title: readTitle(source) ?? slug };
      }),
  );
  return notebooks.sort((a, b) => a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug));
}
