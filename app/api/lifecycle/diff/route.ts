// POST: the data diff of an environment's build against production (`assetbook diff`).
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { route } from "@/app/_lib/route";
import { diffRequestSchema } from "@/lib/runs/lifecycle-ops";

export const runtime = "nodejs";

export const POST = route({ role: "viewer", body: diffRequestSchema }, async ({ body }) => ({ ...(await withLifecycleOps((ops) => ops.diff(body))) }));
