// The planner and the executor's skipping, as golden files: for each case in
// __fixtures__/plans (a notebook, a selection, the cells whose attempt fails, the tables that
// already exist), the plan in order and every cell's outcome. No warehouse runs: attempts are
// decided by the case, so the goldens show policy alone.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectGolden } from "../../test/golden";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { formatIssue } from "../notebook/types";
import { execute } from "./executor";
import { planNotebook, prepareNotebook } from "./prepare";

const dir = path.join(import.meta.dirname, "__fixtures__", "plans");
const caseSchema = z.strictObject({
  notebook: z.string(),
  selection: z.string(),
  fail: z.array(z.string()),
  unsupported: z.array(z.string()).optional(),
  existing: z.array(z.string()),
});

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

const cases = fs.readdirSync(dir).filter((f) => f.endsWith(".case.json")).sort();

describe("plans and what a failure skips", () => {
  it.each(cases)("%s", async (name) => {
    const spec = caseSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")));
    const prepared = await prepareNotebook(fs.readFileSync(path.join(dir, spec.notebook), "utf8"), spec.notebook, parser);
    if (!prepared.ok) throw new Error(prepared.issues.map(formatIssue).join("\n"));
    const plan = planNotebook(prepared.notebook, prepared.graph, spec.selection);
    const existing = new Set(spec.existing);
    const outcomes = await execute({
      plan,
      warehouse: { describe: async (table) => (existing.has(table) ? [] : null) },
      hooks: {
        attempt: async (cell) => {
          if (spec.unsupported?.includes(cell.name)) return "unsupported";
          if (spec.fail.includes(cell.name)) return { ok: false, reason: "this case fails it", checks: [] };
          existing.add(cell.name);
          return { ok: true, rows: 1, columns: [], checks: [] };
        },
      },
      now: () => 0,
    });
    const golden = {
      selection: spec.selection,
      plan: plan.cells.map((cell) => cell.name),
      outcomes: outcomes.map((o) => (o.reason === undefined ? [o.asset, o.status] : [o.asset, o.status, o.reason])),
    };
    expectGolden(path.join(dir, name.replace(/\.case\.json$/, ".plan.json")), `${JSON.stringify(golden, null, 2)}\n`);
  });
});
