// Embedded mode (PGlite, no DATABASE_URL): the same run routes as in team mode, served by
// the workers the app starts in its own process (see runs-team.test.ts for PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/app/_lib/server-context";
import { appEnv, cancelRun, editorToken, sandbox, triggerRun, watchRun, type Sandbox } from "./runs-flow";

describe("embedded mode: the app's own workers run what the routes trigger", () => {
  let box: Sandbox;
  let context: AppContext;
  let token: string;

  beforeAll(async () => {
    box = await sandbox();
    delete process.env.DATABASE_URL;
    Object.assign(process.env, appEnv(box), { ASSETBOOK_CATALOG_DIR: "memory://runs-embedded", ASSETBOOK_DATA_DIR: box.dir, ASSETBOOK_WAREHOUSE: box.warehouse, ASSETBOOK_SCHEDULER: "off" });
    const { appContext, startAppWorkers } = await import("@/app/_lib/server-context");
    context = await appContext();
    await startAppWorkers();
    token = await editorToken(context);
  });

  afterAll(async () => {
    const { appWorkers } = await import("@/app/_lib/server-context");
    await (await appWorkers())?.stop();
    await context?.store.close();
    await box?.remove();
  });

  it("uses the in-process workers, not a queue of its own", async () => {
    const { appTeamTriggers, appWorkers } = await import("@/app/_lib/server-context");
    expect(context.store.kind).toBe("embedded");
    expect(await appTeamTriggers()).toBeNull();
    expect(await appWorkers()).not.toBeNull();
  });

  it("a run triggered with an API token (trigger cli) succeeds; cancelling it afterwards is 409", async () => {
    const id = await triggerRun(token, "tiny");
    const { status, messages } = await watchRun(token, id);
    expect(status, messages.join("\n")).toBe("succeeded");
    expect(messages).toContain("triggered by cli");
    expect((await context.db.run.findUniqueOrThrow({ where: { id } })).trigger).toBe("cli");
    expect(await cancelRun(token, id)).toBe(409);
  });
});
