// Test fixtures: a throwaway workspace with a data directory beside a sibling that shares its name prefix.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FileRecord } from "./pages";

export interface Workspace {
  root: string;
  dataDir: string;
  write(relative: string, content: string): string;
  cleanup(): void;
}

export function makeWorkspace(): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-file-"));
  const dataDir = path.join(root, "data");
  fs.mkdirSync(dataDir);
  return {
    root,
    dataDir,
    write(relative, content) {
      const file = path.join(dataDir, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export async function collect(pages: AsyncIterable<FileRecord[]>): Promise<FileRecord[][]> {
  const out: FileRecord[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}
