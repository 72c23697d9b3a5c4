// `assetbook trigger`: its arguments, and the client against a real HTTP server (node:http)
// that answers like the run API (POST /api/runs, GET /api/runs/:id/events?after=).
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseTriggerArgs, trigger, TriggerUsageError } from "./trigger";

const TOKEN = `ab_${"t".repeat(43)}`;
const RUN_ID = "6f1c3a52-0000-4000-8000-000000000001";

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/** How a fake run unfolds: the status each events poll reports, and one new event per poll. */
const SCRIPTS: Record<string, { statuses: string[] }> = {
  shop: { statuses: ["queued", "running", "succeeded"] },
  broken: { statuses: ["running", "failed"] },
  stopped: { statuses: ["running", "cancelled"] },
  flaky: { statuses: ["running", "HTTP 503", "succeeded"] },
};

let server: http.Server;
let base: string;
const seen: Seen[] = [];
let script: string[] = [];
let polls = 0;

function portOf(s: http.Server): number {
  const address = s.address();
  if (address === null || typeof address === "string") throw new Error("not listening on a TCP port");
  return address.port;
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const body: unknown = raw === "" ? null : JSON.parse(raw);
      seen.push({ method: req.method ?? "", url: url.pathname + url.search, authorization: req.headers.authorization, body });
      const route = url.pathname.replace(/^\/prefix/, "");
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, { error: "the API token is invalid, revoked or expired" });
      if (req.method === "POST" && route === "/api/runs") {
        const notebook = typeof body === "object" && body !== null && "notebook" in body ? String(body.notebook) : "";
        if (notebook === "readonly") return send(res, 403, { error: "this needs the editor role" });
        if (notebook === "invalid") return send(res, 400, { error: "invalid request: body.partition", fields: { "body.partition": ["too long"] } });
        const found = SCRIPTS[notebook];
        if (!found) return send(res, 404, { error: `notebook "${notebook}" is neither in notebooks nor in the catalog` });
        script = found.statuses;
        polls = 0;
        return send(res, 200, { id: RUN_ID });
      }
      if (req.method === "GET" && route === `/api/runs/${RUN_ID}/events`) {
        const status = script[Math.min(polls, script.length - 1)] ?? "queued";
        polls++;
        if (status.startsWith("HTTP ")) return send(res, Number(status.slice(5)), { error: "server restarting" });
        const after = Number(url.searchParams.get("after") ?? "0");
        const id = polls;
        const events = id > after ? [{ id: String(id), at: `2030-01-01T00:00:0${id}.000Z`, type: "log", level: status === "failed" ? "error" : "info", asset: id === 2 ? "orders" : null, message: `event ${id}: ${status}` }] : [];
        return send(res, 200, { status, events });
      }
      send(res, 404, { error: "not found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${portOf(server)}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

async function cli(args: string[], env: Record<string, string | undefined> = { ASSETBOOK_TOKEN: TOKEN }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await trigger(args, { env, out: (l) => out.push(l), err: (l) => err.push(l), pollMs: 5 });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("parseTriggerArgs", () => {
  const env = { ASSETBOOK_TOKEN: TOKEN, ASSETBOOK_SERVER: "http://env.test" };

  it("takes a slug or a notebook file, a selection's terms (spaces: union; commas: intersection), a partition and --no-wait", () => {
    expect(parseTriggerArgs(["shop"], env)).toEqual({ notebook: "shop", selection: [], partition: null, fullRefresh: false, params: {}, server: new URL("http://env.test/"), wait: true, token: TOKEN });
    const full = parseTriggerArgs(["notebooks/shop.md", "--select", "orders+ tag:x , kind:sql  +revenue_per_day", "--partition", "2024-01-02", "--full-refresh", "--param", "days=3", "--no-wait", "--server", "https://flag.test/ab"], env);
    expect(full).toMatchObject({ notebook: "shop", selection: ["orders+", "tag:x,kind:sql", "+revenue_per_day"], partition: "2024-01-02", fullRefresh: true, params: { days: "3" }, wait: false });
    // --server wins over ASSETBOOK_SERVER; a path prefix is kept for the API paths.
    expect(full.server.href).toBe("https://flag.test/ab/");
  });

  it("refuses bad usage with a message that names the problem", () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[], env, /exactly one notebook/],
      [["a", "b"], env, /exactly one notebook/],
      [["../etc/passwd"], env, /neither a notebook slug/],
      [["shop"], { ASSETBOOK_TOKEN: TOKEN }, /--server URL or ASSETBOOK_SERVER/],
      [["shop", "--server", "ftp://x"], env, /--server must be an http/],
      [["shop"], { ASSETBOOK_TOKEN: TOKEN, ASSETBOOK_SERVER: "nope" }, /ASSETBOOK_SERVER must be an http/],
      [["shop"], { ASSETBOOK_SERVER: "http://s.test" }, /ASSETBOOK_TOKEN is not set: create an API token on http:\/\/s.test\/settings/],
      [["shop", "--token", TOKEN], env, /ASSETBOOK_TOKEN only, never from the command line/],
      [["shop", "--partition", " "], env, /--partition needs a key/],
      [["shop", "--frobnicate"], env, /frobnicate/],
    ];
    for (const [args, e, message] of cases) expect(() => parseTriggerArgs(args, e), args.join(" ")).toThrow(message);
    expect(() => parseTriggerArgs([], env)).toThrow(TriggerUsageError);
  });
});

describe("assetbook trigger against a run API", () => {
  it("posts the run with the bearer token and trigger cli, prints its URL and log, exits 0 when it succeeds", async () => {
    const r = await cli(["shop", "--server", base, "--select", "orders+", "--partition", "2024-01-02"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(seen[0]).toEqual({ method: "POST", url: "/api/runs", authorization: `Bearer ${TOKEN}`, body: { notebook: "shop", trigger: "cli", selection: ["orders+"], partition: "2024-01-02" } });
    expect(seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    // Each poll asks only for what came after the last event it saw.
    expect(seen.slice(1).map((s) => s.url)).toEqual([`/api/runs/${RUN_ID}/events`, `/api/runs/${RUN_ID}/events?after=1`, `/api/runs/${RUN_ID}/events?after=2`]);
    expect(r.out.split("\n")).toEqual([
      `run ${RUN_ID} queued: ${base}/runs/${RUN_ID}`,
      "following its log (Ctrl-C stops following; the run goes on)",
      "00:00:01 event 1: queued",
      "00:00:02 orders: event 2: running",
      "00:00:03 event 3: succeeded",
      `run ${RUN_ID} succeeded`,
    ]);
    expect(`${r.out}${r.err}`).not.toContain(TOKEN);
  });

  it("exits 1 when the run fails or is cancelled", async () => {
    const failed = await cli(["broken", "--server", base]);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain(`run ${RUN_ID} failed`);
    expect(failed.out).toContain("event 2: failed");
    const cancelled = await cli(["stopped", "--server", base]);
    expect(cancelled.code).toBe(1);
    expect(cancelled.err).toContain(`run ${RUN_ID} was cancelled`);
  });

  it("waits out a server that answers 503 for a moment while it follows the run", async () => {
    const r = await cli(["flaky", "--server", base]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("server restarting; retrying");
    expect(r.out).toContain(`run ${RUN_ID} succeeded`);
  });

  it("--no-wait prints the URL and stops after the one POST", async () => {
    const r = await cli(["shop", "--server", `${base}/prefix`, "--no-wait"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`run ${RUN_ID} queued: ${base}/prefix/runs/${RUN_ID}`);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(["POST /prefix/api/runs"]);
  });

  it("exits 2 with a clear message on HTTP errors and an unreachable server", async () => {
    const unauthorized = await cli(["shop", "--server", base], { ASSETBOOK_TOKEN: `ab_${"x".repeat(43)}` });
    expect(unauthorized).toMatchObject({ code: 2, out: "" });
    expect(unauthorized.err).toBe("assetbook trigger: ASSETBOOK_TOKEN is missing, revoked or expired");
    const forbidden = await cli(["readonly", "--server", base]);
    expect(forbidden).toMatchObject({ code: 2, err: "assetbook trigger: the server refused: this needs the editor role" });
    const missing = await cli(["nope", "--server", base]);
    expect(missing).toMatchObject({ code: 2, err: 'assetbook trigger: notebook "nope" is neither in notebooks nor in the catalog' });
    const invalid = await cli(["invalid", "--server", base]);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain("body.partition: too long");

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = portOf(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await cli(["shop", "--server", `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(2);
    expect(down.err).toContain(`cannot reach http://127.0.0.1:${port}`);
  });

  it("runs as `assetbook trigger` in a child process, the token from the environment only", async () => {
    const bin = path.resolve(import.meta.dirname, "assetbook.mjs");
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, "trigger", "notebooks/shop.md"], { env: { ...process.env, NO_COLOR: "1", ASSETBOOK_TOKEN: TOKEN, ASSETBOOK_SERVER: base } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`run ${RUN_ID} succeeded`);
    expect(result.stdout).not.toContain(TOKEN);
  });
});
