// POST: points production back before a promotion, the latest by default (`assetbook rollback`).
import { z } from "zod";
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { route } from "@/app/_lib/route";

export const runtime = "nodejs";

export const POST = route({ role: "editor", body: z.object({ to: z.string().min(1).max(100).optional() }) }, async ({ body }) => ({ ...(await withLifecycleOps((ops) => ops.rollback(body.to))) }));
