// Team mode (the catalog on PostgreSQL): the app runs no workers, yet "Run in production",
// Cancel and `assetbook trigger` work. The run routes enqueue through the app's graphile
// queue (enqueue only) and a separately started worker (`npm run worker`: startWorkers with
// DATABASE_URL, its own DuckDB warehouse) executes the run. Needs TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { adminUrl, pgDatabases } from "@/lib/queue/test-pg";
import type { AppContext } from "@/app/_lib/server-context";
import { startWorkers, type RunningWorkers } from "@/workers";
import { appEnv, cancelRun, editorToken, sandbox, triggerRun, watchRun, type Sandbox } from "./runs-flow";

if (!adminUrl) console.warn("TEST_DATABASE_URL is not set: team mode (PostgreSQL) is not tested");

describe.skipIf(!adminUrl)("team mode: the app triggers, a separate worker runs", () => {
  const databases = pgDatabases("assetbook_team_app");
  let box: Sandbox;
  let databaseUrl: string;
  let context: AppContext;
  let token: string;
  let worker: RunningWorkers | null = null;

  beforeAll(async () => {
    box = await sandbox();
    databaseUrl = await databases.fresh();
    Object.assign(process.env, appEnv(box), { DATABASE_URL: databaseUrl });
    const { appContext } = await import("@/app/_lib/server-context");
    context = await appContext();
    token = await editorToken(context);
  });

  afterAll(async () => {
    await worker?.stop();
    const { appTeamTriggers } = await import("@/app/_lib/server-context");
    await (await appTeamTriggers().catch(() => null))?.queue.close();
    await context?.store.close();
    await databases.dropAll();
    await box?.remove();
  });

  it("opens triggers over the shared queue, not workers", async () => {
    const { appTeamTriggers, appWorkers } = await import("@/app/_lib/server-context");
    expect(context.store.kind).toBe("postgres");
    expect(await appTeamTriggers()).not.toBeNull();
    expect(await appWorkers()).toBeNull();
  });

  it("cancels a queued run from the app: no worker ever runs it", async () => {
    const id = await triggerRun(token, "tiny");
    expect(await cancelRun(token, id)).toBe(200);
    expect(await cancelRun(token, id)).toBe(409);
    expect((await context.db.run.findUniqueOrThrow({ where: { id } })).status).toBe("cancelled");
    const enqueued = await context.db.runEvent.findFirstOrThrow({ where: { runId: id, message: "triggered by cli" } });
    const jobId = z.object({ jobId: z.string() }).parse(enqueued.data).jobId;
    const { appTeamTriggers } = await import("@/app/_lib/server-context");
    expect(await (await appTeamTriggers())?.queue.getJob(jobId)).toMatchObject({ status: "cancelled" });
  });

  it("a run triggered through the route (trigger cli) is finished by the separately started worker", async () => {
    worker = await startWorkers({
      DATABASE_URL: databaseUrl,
      ASSETBOOK_DATA_DIR: box.dir,
      ASSETBOOK_WAREHOUSE: `duckdb:${box.warehouse}`,
      NOTEBOOKS_DIR: box.notebooksDir,
      ASSETBOOK_SCHEDULER: "off",
      ASSETBOOK_POLL_MS: "100",
      ASSETBOOK_SECRET_KEY: "c".repeat(64),
    });
    const id = await triggerRun(token, "tiny");
    const { status, messages } = await watchRun(token, id);
    expect(status, messages.join("\n")).toBe("succeeded");
    expect(messages).toContain("triggered by cli");
    const run = await context.db.run.findUniqueOrThrow({ where: { id } });
    expect(run.trigger).toBe("cli");
    const assets = await context.db.materialization.findMany({ where: { runId: id }, include: { asset: { select: { name: true } } } });
    expect(assets.map((m) => m.asset.name).sort()).toEqual(["doubled", "numbers"]);
  });
});
