// Test helpers for worker processes: spawn `node workers/test-child.mjs` (the built workers) with an
// environment, wait for its exit, and notebooks whose extract reads the fitness API fixture.
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
  const proc = spawn(process.execPath, [path.join(repo, "workers", "test-child.mjs")], {
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

/**
 * The same, partitioned by day in Europe/Paris: the extract asks for the activities after the
 * partition's start (`{{ partition.start | epoch }}`) and appends them to its partition; the
 * count reads that partition only.
 */
export function partitionedExtractNotebook(apiUrl: string): string {
  let text = extractNotebook(apiUrl);
  const edit = (from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`extractNotebook has no "${from}"`);
    text = text.replace(from, to);
  };
  edit("title: Crash\n", `title: Crash\npartitions: { type: daily, start: "2024-01-01", timezone: Europe/Paris }\n`);
  edit("path: athlete/activities\n", `path: athlete/activities\nparams: { after: "{{ partition.start | epoch }}" }\n`);
  edit("from activities\n", "from activities where _partition = {{ partition.key }}\n");
  return text;
}
