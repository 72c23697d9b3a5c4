// POST: drops an environment and the versions only it needed (`assetbook env drop`).
import { z } from "zod";
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { route } from "@/app/_lib/route";
import { envNameSchema } from "@/lib/lifecycle/layout";

export const runtime = "nodejs";

export const POST = route({ role: "editor", body: z.object({ env: envNameSchema }) }, async ({ body }) => ({ ...(await withLifecycleOps((ops) => ops.drop(body.env))) }));
