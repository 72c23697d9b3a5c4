// Test helpers for worker processes: spawn `node --import tsx workers/test-child.ts` with an
// environment, wait for its exit, and a notebook whose extract reads the fitness API fixture.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWorker(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(repo, "workers", "test-child.ts")], {
    cwd: repo,
    env: { ...process.env, DATABASE_URL: "", ASSETBOOK_CRASH_AT: "", ASSETBOOK_SCHEDULER: "off", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  return { proc, output: () => out, exited };
}

/** An extract of every activity (append: a double write would double the rows) and a count over it. */
export function extractNotebook(apiUrl: string): string {
  return `---
title: Crash
---

\`\`\`extract activities
source: rest
base_url: ${apiUrl}
auth: { type: bearer, token: secret:FITNESS_TOKEN }
path: athlete/activities
paginator: { type: page_number, page_param: page, size_param: per_page, size: 50 }
primary_key: id
write_disposition: append
\`\`\`

\`\`\`sql total
select count(*) as n, count(distinct id) as ids from activities
\`\`\`
`;
}
