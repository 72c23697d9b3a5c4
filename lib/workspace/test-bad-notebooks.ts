// A notebooks directory with one good notebook beside bad ones, for the tests of every
// reader of all notebooks (the home page list, the catalog sync, the scheduler, refresh
// triggers): each must return the good one and name each bad one.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { MAX_NOTEBOOK_BYTES } from "../notebook";

/** Scheduled every day at 02:00 UTC, one SQL asset. */
export const GOOD_NOTEBOOK = "---\ntitle: Good\nschedule: { cron: \"0 2 * * *\", timezone: UTC }\n---\n\n```sql good_asset\nselect 1 as x\n```\n";

const scheduled = (title: string) => `---\ntitle: ${title}\nschedule: { cron: "0 2 * * *", timezone: UTC }\n---\n\n`;

/** What each bad notebook's problem says (a fragment). */
export const BAD_NOTEBOOKS = {
  bomb: "aliases (*name) expand too much",
  nul: "a NUL character (U+0000) is not allowed in a notebook",
  huge: "the notebook is larger than 2 MiB",
  folder: "not a file",
} as const;

/** Writes good.md and the bad ones (bomb.md, nul.md, huge.md, and a directory folder.md) into `dir`. */
export async function writeBadNotebookDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const bomb = await readFile(path.join(import.meta.dirname, "../notebook/__fixtures__/errors/alias-bomb.md"), "utf8");
  await writeFile(path.join(dir, "good.md"), GOOD_NOTEBOOK);
  // Each bad one would be scheduled too if it were read.
  await writeFile(path.join(dir, "bomb.md"), bomb.replace("title: Billion laughs", 'title: Billion laughs\nschedule: { cron: "0 2 * * *", timezone: UTC }'));
  await writeFile(path.join(dir, "nul.md"), `${scheduled("Nul")}\`\`\`sql nul_asset\nselect 'a\u0000b' as x\n\`\`\`\n`);
  const line = "select 1 as x -- a line of padding to pass the size limit of a notebook\n";
  await writeFile(path.join(dir, "huge.md"), `${scheduled("Huge")}\`\`\`sql huge_asset\n${line.repeat(Math.ceil(MAX_NOTEBOOK_BYTES / line.length) + 1)}\`\`\`\n`);
  await mkdir(path.join(dir, "folder.md"));
}
