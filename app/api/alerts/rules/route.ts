// GET: the workspace's alert rules with their latest deliveries; PUT: create or replace a
// rule by name; DELETE: remove one (owners).
import { z } from "zod";
import { ruleInputSchema } from "@/lib/alerts/rules";
import { deleteRule, deliveryHistory, listRules, saveRule } from "@/lib/alerts/store";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const GET = route({ role: "owner" }, async () => {
  const { db, workspaceId } = await appContext();
  const rules = await listRules(db, workspaceId);
  const withHistory = await Promise.all(rules.map(async (rule) => ({ ...rule, deliveries: await deliveryHistory(db, rule.id, 20) })));
  return Response.json({ rules: withHistory }, { headers: { "cache-control": "no-store" } });
});

export const PUT = route({ role: "owner", body: ruleInputSchema }, async ({ body }) => {
  const { db, workspaceId } = await appContext();
  const saved = await saveRule(db, workspaceId, body);
  return { rule: { id: saved.id, name: saved.name } };
});

export const DELETE = route({ role: "owner", body: z.object({ id: z.string().min(1) }) }, async ({ body }) => {
  const { db, workspaceId } = await appContext();
  if (!(await deleteRule(db, workspaceId, body.id))) throw new RouteError(404, "no such rule");
  return { deleted: body.id };
});
