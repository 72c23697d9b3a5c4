// A worker process for the crash tests (workers/crash-env.ts): plain `node
// workers/test-child.mjs` with the workers' env, on the built workers (bin/built.mjs builds
// them first when a source is newer), so a start does not compile TypeScript (tsx took
// about 6 s of each start). With ASSETBOOK_CHILD_RUN_ID it exits 0 once that run has
// finished (so the test can reopen the embedded store); otherwise it runs until SIGTERM.
// ASSETBOOK_CRASH_AT makes it SIGKILL itself at that point.
import { importBuilt } from "../bin/built.mjs";

const { startWorkers } = await importBuilt("worker");
const workers = await startWorkers(process.env);
process.once("SIGTERM", () => void workers.stop().then(() => process.exit(0)));
process.stdout.write("ready\n");

const runId = process.env.ASSETBOOK_CHILD_RUN_ID;
if (runId !== undefined && runId !== "") {
  for (;;) {
    const run = await workers.db.run.findUnique({ where: { id: runId }, select: { status: true } });
    if (run !== null && run.status !== "queued" && run.status !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await workers.stop();
  process.exit(0);
}
