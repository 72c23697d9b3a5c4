// The extract path end to end: N records served by a local HTTP server in pages of 1,000,
// loaded into a file-backed DuckDB by runExtract (replace, then merge), against a baseline
// measured in the same run: DuckDB's own read_json over the same pages saved as files.
// Each variant runs in its own child process (bench/extract-child.ts) so that its peak
// RSS is its own; the server runs here.
// Usage: npx tsx bench/extract.ts [records=1000000] [lists] [latency=MS] [page=RECORDS] [wrapped] [shuffled]
//   lists: add a list field (a child table); latency=MS: the server answers each page MS later,
//   as a remote API does (the baseline reads files: its ratio then says what the latency costs);
//   page=RECORDS: pages of that many records (default 1,000; many APIs serve 100); wrapped: each
//   page's records under `data` in an object (as most APIs answer), read with data_path;
//   shuffled: ids in no order (each once), so a merge cannot see its keys rise and counts them.
// The server answers from the saved page files, read per request: holding them in memory
// here would count in every child's peak RSS (Linux keeps ru_maxrss across fork and exec).
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const total = Number(process.argv[2] ?? 1_000_000);
const withLists = process.argv.includes("lists");
const wrapped = process.argv.includes("wrapped");
const shuffled = process.argv.includes("shuffled");
const latencyMs = Number(process.argv.find((arg) => arg.startsWith("latency="))?.slice("latency=".length) ?? 0);
const PAGE_SIZE = Number(process.argv.find((arg) => arg.startsWith("page="))?.slice("page=".length) ?? 1000);
const START = Date.UTC(2024, 0, 1);

/** Record i, always the same: flat fields of every inferred type, one nested object. */
function record(i: number) {
  const x = Math.imul(i + 1, 2654435761) >>> 0;
  const out: Record<string, unknown> = {
    // Times a prime above any count here: a permutation of 1..total.
    id: shuffled ? Number((BigInt(i) * 2654435761n) % BigInt(total)) + 1 : i + 1,
    name: `item ${i}`,
    category: ["alpha", "beta", "gamma", "delta"][x % 4],
    created_at: new Date(START + i * 60_000).toISOString(),
    amount: (x % 100_000) / 100,
    quantity: x % 50,
    active: (x & 1) === 0,
    score: (x % 9973) / 9973,
    map: { id: `m${x % 10_000}`, label: `label ${x % 97}` },
  };
  if (withLists) out.tags = Array.from({ length: 1 + (i % 2) }, (_, k) => ({ tag: `t${(x + k) % 20}`, weight: k + 1 }));
  return out;
}

function pageBody(page: number, size: number): string {
  const from = (page - 1) * size;
  const to = Math.min(total, from + size);
  const records = [];
  for (let i = from; i < to; i++) records.push(record(i));
  return JSON.stringify(records);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-bench-extract-"));
const pagesDir = path.join(dir, "pages");
const pageFile = (page: number) => path.join(pagesDir, `${String(page).padStart(7, "0")}.json`);
/** Once the pages are saved, the server answers from those files, so that building the
 * records is not timed: the runs measure the client side, not this fixture. */
let saved = false;
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const page = Number(url.searchParams.get("page") ?? 1);
  const size = Number(url.searchParams.get("per_page") ?? PAGE_SIZE);
  const send = (body: string | Buffer) => {
    res.writeHead(200, { "content-type": "application/json" });
    if (url.pathname !== "/wrapped") return void res.end(body);
    // The records under `data`, beside what a paginator would read.
    res.write(`{"page": ${page}, "data": `);
    res.write(body);
    res.end(`, "total": ${total}}`);
  };
  const answer = () => (!saved || size !== PAGE_SIZE ? send(pageBody(page, size)) : void fs.promises.readFile(pageFile(page)).then(send, () => send("[]")));
  if (latencyMs > 0) setTimeout(answer, latencyMs);
  else answer();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

fs.mkdirSync(pagesDir);
// The same pages as files, fetched from the server once, outside any timing.
const pageCount = Math.ceil(total / PAGE_SIZE);
for (let page = 1; page <= pageCount; page++) {
  const body = await (await fetch(`${baseUrl}/records?page=${page}&per_page=${PAGE_SIZE}`)).text();
  fs.writeFileSync(pageFile(page), body);
}
saved = true;

interface Measure {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  peakHeapMb: number;
}

const child = fileURLToPath(new URL("./extract-child.ts", import.meta.url));
/** Each variant's figures, and the CPU this process (the server) spent answering it: on a machine of few cores, taken from the variant. */
async function measure(...args: string[]): Promise<Measure & { serverCpuSeconds: number }> {
  const dbDir = fs.mkdtempSync(path.join(dir, "db-"));
  const serverCpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []), child, args[0] ?? "", dbDir, ...args.slice(1)], {
    maxBuffer: 1 << 20,
  });
  fs.rmSync(dbDir, { recursive: true, force: true });
  const spent = process.cpuUsage(serverCpu);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return { ...(JSON.parse(last) as Measure), serverCpuSeconds: (spent.user + spent.system) / 1e6 };
}

/** How the children read the pages: their size, and whether under `data`. */
const served = [String(PAGE_SIZE), wrapped ? "wrapped" : "bare"];
try {
  const results: [string, Measure & { serverCpuSeconds: number }][] = [
    [withLists ? "baseline read_json+unnest" : "baseline read_json", await measure("baseline", pagesDir, ...(withLists ? ["lists"] : []))],
    // One at a time: each variant has the machine to itself.
    ["runExtract replace", await measure("ours", baseUrl, "replace", ...served)],
    ["runExtract merge", await measure("ours", baseUrl, "merge", ...served)],
    ["page path replace", await measure("ours-pages", baseUrl, "replace", ...served)],
  ];
  const baseline = results[0]?.[1].seconds ?? NaN;
  console.log(`bench/extract: ${total.toLocaleString("en")} records, pages of ${PAGE_SIZE.toLocaleString("en")}, on ${os.availableParallelism()} cores (the server's CPU is this process's)${withLists ? ", with a list field" : ""}${wrapped ? ", records under data" : ""}${shuffled ? ", ids in no order" : ""}${latencyMs > 0 ? `, each answered ${latencyMs} ms late` : ""}`);
  for (const [name, m] of results) {
    console.log(
      `  ${name.padEnd(26)} ${m.rows.toLocaleString("en").padStart(10)} rows ${m.seconds.toFixed(2).padStart(7)} s (process CPU ${m.cpuSeconds.toFixed(1).padStart(5)} s, server ${m.serverCpuSeconds.toFixed(1).padStart(4)} s) ` +
        `${Math.round(m.rows / m.seconds).toLocaleString("en").padStart(9)} rows/s  peak RSS ${m.maxRssMb.toFixed(0).padStart(4)} MB (JS heap ${m.peakHeapMb.toFixed(0).padStart(3)})  ` +
        `${(m.seconds / baseline).toFixed(2)}x baseline`,
    );
  }
  const goal = withLists ? 2.5 : 2;
  const ours = results.slice(1, 3);
  const worst = Math.max(...ours.map(([, m]) => m.seconds / baseline));
  const peak = Math.max(...ours.map(([, m]) => m.maxRssMb));
  console.log(`  goal: runExtract <= ${goal}x baseline (${worst <= goal ? "met" : "NOT met"}: worst ${worst.toFixed(2)}x), peak RSS < 300 MB (${peak < 300 ? "met" : "NOT met"}: ${peak.toFixed(0)} MB)`);
} finally {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
