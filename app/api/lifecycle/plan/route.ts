// POST: the plan of proposed notebook texts against production (`assetbook plan` with ASSETBOOK_SERVER).
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { route } from "@/app/_lib/route";
import { proposalSchema } from "@/lib/runs/lifecycle-ops";

export const runtime = "nodejs";

export const POST = route({ role: "viewer", body: proposalSchema }, async ({ body }) => ({ ...(await withLifecycleOps((ops) => ops.plan(body))) }));
