// Keys from the environment, or (embedded mode, nothing configured) generated once into a
// file in the state directory (outside the data directory cells read), readable only by the
// owner. Never logged.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** The configured value when set; else the file's content, creating it with 32 random bytes (base64) on first use. */
export async function keyFromEnvOrFile(key: { value: string } | { file: string }): Promise<string> {
  if ("value" in key) return key.value;
  const { file } = key;
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const generated = randomBytes(32).toString("base64");
  try {
    await writeFile(file, `${generated}\n`, { mode: 0o600, flag: "wx" });
    return generated;
  } catch (error) {
    // Another process created it first: use theirs.
    if (error instanceof Error && "code" in error && error.code === "EEXIST") return (await readFile(file, "utf8")).trim();
    throw error;
  }
}
