// The planner as golden files: each case in __fixtures__/plans has production's notebooks
// (each asset built, as version `prod-<asset>`) and the proposed folder; plan.json is the
// plan. Parsing goes through DuckDB's parser, so the cases show what it normalizes away.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { formatIssue } from "../notebook/types";
import { projectDefinitions, type NotebookText } from "./definitions";
import { planChange } from "./plan";
import { projectSelection } from "./project";

const dir = path.join(import.meta.dirname, "__fixtures__", "plans");

function readFolder(folder: string): NotebookText[] {
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => ({ slug: file.replace(/\.md$/, ""), text: fs.readFileSync(path.join(folder, file), "utf8") }));
}

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

async function definitionsOf(notebooks: NotebookText[]) {
  const result = await projectDefinitions(notebooks, parser);
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
  return { notebooks, assets: result.assets };
}

async function planCase(name: string) {
  const production = await definitionsOf(readFolder(path.join(dir, name, "production")));
  const proposed = await definitionsOf(readFolder(path.join(dir, name, "proposed")));
  const versions = Object.fromEntries(production.assets.map((asset) => [asset.asset, `prod-${asset.asset}`]));
  // A case with select.txt plans with that `--select`.
  const selectFile = path.join(dir, name, "select.txt");
  const selection = fs.existsSync(selectFile) ? projectSelection(fs.readFileSync(selectFile, "utf8").trim(), proposed.notebooks) : undefined;
  return planChange("feature", { ...production, versions }, proposed, selection);
}

const cases = fs.readdirSync(dir).filter((entry) => fs.statSync(path.join(dir, entry)).isDirectory()).sort();

describe("plans of a change against production", () => {
  it.each(cases)("%s", async (name) => {
    const plan = await planCase(name);
    expectGolden(path.join(dir, name, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
  });

  it("is deterministic: the same inputs give the same hash", async () => {
    const [first, second] = [await planCase("breaking"), await planCase("breaking")];
    expect(second.hash).toBe(first.hash);
    expect((await planCase("add-column")).hash).not.toBe(first.hash);
  });
});
