// The lifecycle's commands sent to an Assetbook server (ASSETBOOK_SERVER, ASSETBOOK_TOKEN):
// the same operations as on a `--db` file, answered by the server's /api/lifecycle routes
// over production's warehouse. The token is read from the environment only, never printed.
import { z } from "zod";
import type { Plan } from "../lib/lifecycle/plan";
import type { PromoteResult } from "../lib/lifecycle/promote";
import type { BuildAnswer, DiffAnswer, Dropped, EnvList, LifecycleOps, PlanAnswer } from "../lib/runs/lifecycle-ops";
import { problemOf } from "./trigger";

export class RemoteProblem extends Error {}

/** Answers are the server's own documents: checked for their shape where the CLI reads them, passed through otherwise. */
const issue = z.object({ file: z.string(), line: z.number(), column: z.number(), message: z.string(), cell: z.string().optional(), field: z.string().optional() });
const plan = z.custom<Plan>((value) => typeof value === "object" && value !== null && "hash" in value && "assets" in value && "build" in value, "not a plan");
const planAnswer: z.ZodType<PlanAnswer> = z.union([z.object({ ok: z.literal(true), plan }), z.object({ ok: z.literal(false), issues: z.array(issue) })]);
const buildAnswer = z.custom<BuildAnswer>((value) => typeof value === "object" && value !== null && "ok" in value && ("document" in value || "issues" in value), "not a build answer");
const diffAnswer = z.custom<DiffAnswer>((value) => typeof value === "object" && value !== null && "ok" in value && ("assets" in value || "reason" in value), "not a diff answer");
const promoteAnswer: z.ZodType<PromoteResult> = z.union([
  z.object({ ok: z.literal(true), promotion: z.string(), changed: z.array(z.string()), backfill: z.array(z.object({ notebook: z.string(), assets: z.array(z.string()), built: z.array(z.string()) })).optional() }),
  z.object({ ok: z.literal(false), reason: z.string(), stale: z.object({ assets: z.array(z.string()), notebooks: z.array(z.string()), rebuild: z.array(z.string()) }).optional() }),
]);
const envList: z.ZodType<EnvList> = z.object({ environments: z.array(z.object({ env: z.string(), status: z.string() })), promotions: z.array(z.object({ id: z.string(), seq: z.number(), env: z.string() })) });
const dropped: z.ZodType<Dropped> = z.object({ env: z.string(), dropped: z.boolean(), versions: z.array(z.string()) });

export function remoteLifecycle(server: URL, token: string): LifecycleOps {
  async function call<T>(path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const url = new URL(`api/lifecycle/${path}`, server);
    let response: Response;
    try {
      response = await fetch(url, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new RemoteProblem(`cannot reach ${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const answer: unknown = await response.json().catch(() => null);
    if (!response.ok) throw new RemoteProblem(problemOf(response.status, answer));
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new RemoteProblem(`the server's answer to ${path} is not one this command understands`);
    return parsed.data;
  }
  return {
    plan: (proposal) => call("plan", planAnswer, proposal),
    build: (proposal) => call("build", buildAnswer, proposal),
    diff: (request) => call("diff", diffAnswer, request),
    promote: (env) => call("promote", promoteAnswer, { env }),
    rollback: (to) => call("rollback", promoteAnswer, to === undefined ? {} : { to }),
    list: () => call("environments", envList),
    drop: (env) => call("environments/drop", dropped, { env }),
  };
}
