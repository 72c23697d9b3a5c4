// The importer as golden files: each dbt project under fixtures/dbt converts to the notebooks
// and the report in __fixtures__/<project>.txt.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../test/golden";
import { convertDbtProject } from "./convert";
import { readProjectFiles } from "./read-files";
import { convertTest } from "./tests";

const fixtures = path.resolve(import.meta.dirname, "../../../fixtures/dbt");

function rendered(project: string): string {
  const result = convertDbtProject(readProjectFiles(path.join(fixtures, project)));
  const notebooks = result.notebooks.map((nb) => `==> ${nb.slug}.md\n${nb.text}`);
  const report = result.report.map((line) => `${line.file}:${line.line}: ${line.message}`);
  return [...notebooks, "==> report", JSON.stringify(result.counts), ...report, ...result.seeds.map((seed) => `seed ${seed.from} -> ${seed.to}`), ""].join("\n");
}

describe("assetbook import dbt", () => {
  it.each(["jaffle_shop_duckdb", "constructs"])("converts %s", (project) => {
    expectGolden(path.join(import.meta.dirname, "__fixtures__", `${project}.txt`), rendered(project));
  });
});

describe("dbt tests as checks", () => {
  const names = { ref: (name: string) => name, source: (source: string, table: string) => `${source}.${table}` };

  it("converts generic and dbt-utils tests, with severity, and says why it cannot convert the others", () => {
    expect(convertTest("unique", "id", names)).toEqual({ ok: true, check: { text: "unique(id)", severity: "error" } });
    expect(convertTest({ not_null: { config: { severity: "warn" } } }, "id", names)).toEqual({ ok: true, check: { text: "not_null(id)", severity: "warn" } });
    expect(convertTest({ relationships: { to: "source('crm', 'accounts')", field: "id" } }, "account_id", names)).toMatchObject({ check: { text: "relationships(account_id, crm.accounts.id)" } });
    expect(convertTest({ "dbt_utils.expression_is_true": { expression: ">= 0" } }, "amount", names)).toMatchObject({ check: { text: "expression_is_true(amount >= 0)" } });
    expect(convertTest({ "dbt_utils.recency": { datepart: "day", field: "at", interval: 2 } }, null, names)).toMatchObject({ check: { text: "recency(at, 2880m)" } });
    expect(convertTest({ "dbt_utils.equal_rowcount": { compare_model: "ref('b')" } }, null, names)).toMatchObject({ check: { text: "equal_rowcount(b)" } });
    expect(convertTest({ "dbt_utils.accepted_range": { min_value: 0, max_value: "'z'", inclusive: false } }, "x", names)).toMatchObject({ check: { text: "accepted_range(x, min=0, max='''z''', inclusive=false)" } });
    expect(convertTest({ "dbt_expectations.expect_column_to_exist": {} }, "x", names)).toEqual({ ok: false, reason: "test dbt_expectations.expect_column_to_exist has no Assetbook check: write it as a custom check" });
    expect(convertTest("unique", null, names)).toEqual({ ok: false, reason: "test unique needs a column" });
  });
});
