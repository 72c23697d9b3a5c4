// GET: the environments and their build status, and production's promotions (`assetbook env list`).
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { route } from "@/app/_lib/route";

export const runtime = "nodejs";

export const GET = route({ role: "viewer" }, async () => ({ ...(await withLifecycleOps((ops) => ops.list())) }));
