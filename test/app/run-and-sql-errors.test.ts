// Bad input to two API routes is the caller's error, never a 500: POST /api/runs for a
// notebook that does not exist (404), POST /api/sql/references with a NUL character (200 with the parser's message)
// or more SQL than it takes (400). The run routes are loaded as a production server loads
// them: apart from the embedded workers (instrumentation.ts is a bundle of its own, with
// its own copies of lib/runs' classes), which vi.resetModules reproduces here.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { AppContext } from "@/app/_lib/server-context";
import { appEnv, editorToken, sandbox, watchRun, type Sandbox } from "./runs-flow";

let box: Sandbox;
let context: AppContext;
let token: string;

beforeAll(async () => {
  box = await sandbox();
  delete process.env.DATABASE_URL;
  Object.assign(process.env, appEnv(box), { ASSETBOOK_CATALOG_DIR: "memory://run-and-sql-errors", ASSETBOOK_DATA_DIR: box.dir, ASSETBOOK_WAREHOUSE: box.warehouse, ASSETBOOK_SCHEDULER: "off" });
  // As instrumentation.ts does, in its own module graph.
  const { appContext, startAppWorkers } = await import("@/app/_lib/server-context");
  context = await appContext();
  await startAppWorkers();
  token = await editorToken(context);
  vi.resetModules();
});

afterAll(async () => {
  const { appWorkers } = await import("@/app/_lib/server-context");
  await (await appWorkers())?.stop();
  await context?.store.close();
  await box?.remove();
});

async function post(route: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const { POST } = await import(/* @vite-ignore */ `@/app/api/${route}/route`);
  const request = new Request(`http://app.test/api/${route}`, {
    method: "POST",
    headers: { host: "app.test", authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const response: Response = await POST(request, { params: Promise.resolve({}) });
  return { status: response.status, json: await response.json() };
}

describe("POST /api/runs", () => {
  it("answers 404 naming an unknown notebook, and records no run", async () => {
    const before = await context.db.run.count();
    const answer = await post("runs", { notebook: "no-such-notebook", trigger: "cli" });
    expect(answer).toEqual({ status: 404, json: { error: 'notebook "no-such-notebook" is neither in the notebooks directory nor in the catalog' } });
    expect(await context.db.run.count()).toBe(before);
  });

  it("still runs a notebook that exists", async () => {
    const answer = await post("runs", { notebook: "tiny", trigger: "cli" });
    expect(answer.status).toBe(200);
    const id = z.object({ id: z.uuid() }).parse(answer.json).id;
    expect((await watchRun(token, id)).status).toBe("succeeded");
  });
});

describe("POST /api/sql/references", () => {
  it("answers the parser's message with the offset to SQL holding a NUL character", async () => {
    expect(await post("sql/references", { sql: "select 1 as x\u0000; drop table t" })).toEqual({ status: 200, json: { error: "SQL cannot contain a NUL character", position: 13 } });
  });

  it("answers 400 to more SQL than it takes, and reads ordinary SQL", async () => {
    const tooLong = await post("sql/references", { sql: `select 1 -- ${"x".repeat(1_000_000)}` });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toMatchObject({ fields: { "body.sql": [expect.any(String)] } });
    expect(await post("sql/references", { sql: "select * from orders join customers using (id)" })).toEqual({ status: 200, json: { refs: [{ name: "orders" }, { name: "customers" }] } });
  });
});
