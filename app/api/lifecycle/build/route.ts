// POST: plans and builds proposed notebook texts into an environment, reading production in place
// (`assetbook build` with ASSETBOOK_SERVER). Production is not written.
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { route } from "@/app/_lib/route";
import { proposalSchema } from "@/lib/runs/lifecycle-ops";

export const runtime = "nodejs";

export const POST = route({ role: "editor", body: proposalSchema }, async ({ body }) => ({ ...(await withLifecycleOps((ops) => ops.build(body), { extract: true })) }));
