// The example notebooks' data files, put into the data directory on start when missing, so
// every example opens cleanly after the one-command start. A file is copied only while its
// notebook is in the notebooks directory, and never over one the user put there.
import { copyFile, mkdir, rename, stat } from "node:fs/promises";
import path from "node:path";

export interface ExampleData {
  notebook: string;
  /** Where the notebook reads it, relative to the data directory. */
  file: string;
  /** Where it comes from, relative to the project root (an installed package's data). */
  source: string;
}

export const EXAMPLE_DATA: readonly ExampleData[] = [{ notebook: "penguins", file: "penguins.json", source: "node_modules/vega-datasets/data/penguins.json" }];

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Copies what is missing; returns the files it copied (relative to the data directory). */
export async function seedExampleData(options: { root: string; dataDir: string; notebooksDir: string; examples?: readonly ExampleData[] }): Promise<string[]> {
  const copied: string[] = [];
  for (const example of options.examples ?? EXAMPLE_DATA) {
    const target = path.join(options.dataDir, example.file);
    const source = path.join(options.root, example.source);
    if (!(await exists(path.join(options.notebooksDir, `${example.notebook}.md`))) || (await exists(target)) || !(await exists(source))) continue;
    await mkdir(path.dirname(target), { recursive: true });
    // Beside, then renamed over: a reader never sees half a file.
    const partial = `${target}.${process.pid}.partial`;
    await copyFile(source, partial);
    await rename(partial, target);
    copied.push(example.file);
  }
  return copied;
}
