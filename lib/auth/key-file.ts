// Keys from the environment, or (embedded mode, nothing configured) generated once
// into a file under data/ readable only by the owner. Never logged.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** The env value when set; else the file's content, creating it with 32 random bytes (base64) on first use. */
export async function keyFromEnvOrFile(envValue: string | undefined, file: string): Promise<string> {
  if (envValue !== undefined && envValue.trim() !== "") return envValue.trim();
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const key = randomBytes(32).toString("base64");
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: "wx" });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if (error instanceof Error && "code" in error && error.code === "EEXIST") return (await readFile(file, "utf8")).trim();
    throw error;
  }
}
