// A worker process for the crash tests: `node --import tsx workers/test-child.ts` with the
// workers' env. With ASSETBOOK_CHILD_RUN_ID it exits 0 once that run has finished (so the
// test can reopen the embedded store); otherwise it runs until SIGTERM. ASSETBOOK_CRASH_AT
// makes it SIGKILL itself at that point.
import { z } from "zod";
import { startWorkers } from "./index";

const env = z.object({ ASSETBOOK_CHILD_RUN_ID: z.string().min(1).optional() }).parse(process.env);
const workers = await startWorkers(process.env);
process.once("SIGTERM", () => void workers.stop().then(() => process.exit(0)));
process.stdout.write("ready\n");

const runId = env.ASSETBOOK_CHILD_RUN_ID;
if (runId !== undefined) {
  for (;;) {
    const run = await workers.db.run.findUnique({ where: { id: runId }, select: { status: true } });
    if (run !== null && run.status !== "queued" && run.status !== "running") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await workers.stop();
  process.exit(0);
}
