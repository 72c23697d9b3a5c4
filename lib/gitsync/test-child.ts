// One branch sync in a process of its own, for the kill -9 test (run bundled:
// test/child-script.ts) with ASSETBOOK_SYNC_* set. ASSETBOOK_PROMOTE_CRASH_AT makes the
// promotion SIGKILL this process at that point.
import { z } from "zod";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { PROMOTION_CRASH_POINTS } from "../lifecycle/promote";
import { ensureLifecycleTables } from "../lifecycle/store";
import { warehouseLifecycle } from "../runs/lifecycle-ops";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { syncBranch } from "./sync";

const env = z
  .object({
    ASSETBOOK_SYNC_DB: z.string(),
    ASSETBOOK_SYNC_REMOTE: z.string(),
    ASSETBOOK_SYNC_MIRROR: z.string(),
    ASSETBOOK_PROMOTE_CRASH_AT: z.enum(PROMOTION_CRASH_POINTS),
  })
  .parse(process.env);
const warehouse = await openDuckDbWarehouse({ path: env.ASSETBOOK_SYNC_DB });
await ensureLifecycleTables(warehouse);
const parser = await NodeSqlReferenceParser.create();
const ops = warehouseLifecycle({
  warehouse,
  parser,
  crash: (point) => {
    if (point === env.ASSETBOOK_PROMOTE_CRASH_AT) process.kill(process.pid, "SIGKILL");
  },
});
await syncBranch({
  source: { remote: env.ASSETBOOK_SYNC_REMOTE, branch: "main", folder: "notebooks", mirror: env.ASSETBOOK_SYNC_MIRROR },
  ops,
  warehouse,
  failedBefore: async () => false,
  record: async () => undefined,
});
process.exit(0);
