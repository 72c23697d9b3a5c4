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

describe("dbt Jinja that nunjucks reads differently", () => {
  const project = (files: Record<string, string>) =>
    convertDbtProject({ texts: new Map(Object.entries({ "dbt_project.yml": "name: p\nconfig-version: 2\nmodel-paths: [models]\nmacro-paths: [macros]\n", ...files })), seeds: [] });
  const sqlOf = (result: ReturnType<typeof project>, cell: string) => {
    const text = result.notebooks.map((nb) => nb.text).join("\n");
    const at = text.indexOf(`\`\`\`sql ${cell}`);
    return at < 0 ? null : text.slice(at, text.indexOf("```", at + 3));
  };

  it("a macro file it cannot read is reported at its own line and left out; the models still convert", () => {
    const result = project({
      "macros/tests.sql": "{% test empty_table(model) %}\nselect 1 from {{ model }} limit 0\n{% endtest %}\n{% macro cents(x) %}({{ x }} * 100){% endmacro %}\n",
      "macros/broken.sql": "{% macro unused(x) %}\n{% do log('hi') %}{{ x }}\n{% endmacro %}\n",
      "models/a.sql": "select {{ cents('amount') }} as c from (select 1 as amount)\n",
    });
    expect(result.counts).toMatchObject({ models: 1, modelsConverted: 1 });
    expect(sqlOf(result, "a")).toContain("(amount * 100) as c");
    expect(result.report).toEqual([expect.objectContaining({ file: "macros/broken.sql", line: 2, message: expect.stringMatching(/^unknown block tag: do: the macros of this file are not available to models$/) })]);
  });

  it("reads trailing commas, True, None and `is none` as Jinja does, and names a render error's own line", () => {
    const result = project({
      "models/a.sql": "{{ config(materialized='table',) }}\n{% set flag = True %}{% set nothing = None %}\nselect {% if flag %}1{% else %}0{% endif %} as t, {% if nothing is none %}1{% else %}0{% endif %} as n, {{ ['x', 'y',][1] | length }} as l, '{{ \"a,)\" }}' as s\n",
      "models/b.sql": "select 1 as x\n\n{{ var('nope') }}\n",
      "models/c.sql": "select {{ missing_macro(1) }} as x\n",
      "macros/m.sql": "{% macro twice(x) %}\n{{ x }} * 2 + {{ not_a_macro() }}\n{% endmacro %}\n",
      "models/d.sql": "select {{ twice(3) }} as x\n",
    });
    expect(sqlOf(result, "a")).toContain("select 1 as t, 1 as n, 1 as l, 'a,)' as s");
    const lines = result.report.map((line) => `${line.file}:${line.line}: ${line.message}`);
    expect(lines).toContain('models/b.sql:3: var("nope") has no value in dbt_project.yml and no default');
    expect(lines).toContain("models/c.sql:1: macro missing_macro cannot be expanded: not a macro of the project");
    expect(lines).toContain("macros/m.sql:2: macro not_a_macro cannot be expanded: not a macro of the project (rendering models/d.sql)");
  });

  it("says once that a model's tests were not converted, and that a ref reads a Python model", () => {
    const result = project({
      "models/p.py": "def model(dbt, session):\n    return None\n",
      "models/a.sql": "select * from {{ ref('p') }}\n",
      "models/schema.yml": "version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique, not_null]\n",
    });
    expect(result.counts).toMatchObject({ models: 1, modelsConverted: 0, tests: 2, testsConverted: 0 });
    expect(result.report.map((line) => `${line.file}:${line.line}: ${line.message}`)).toEqual([
      'models/a.sql:1: ref("p"): a Python model, which is not converted',
      "models/p.py:1: a Python model is not converted: write it as SQL, or as an ml cell",
      'models/schema.yml:3: 2 tests of "a", not converted: the model itself was not',
    ]);
  });

  it("refuses a project file it cannot read, naming the file and line; reads dbt's older path keys", () => {
    const files = (project: string) => ({ texts: new Map([["dbt_project.yml", project], ["src/a.sql", "select 1 as x\n"]]), seeds: ["data/s.csv"] });
    expect(() => convertDbtProject(files("name: p\nmodels:\n  p: [\n"))).toThrow(/^dbt_project\.yml:4: cannot read the YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/);
    const older = convertDbtProject(files("name: p\nsource-paths: [src]\ndata-paths: [data]\n"));
    expect(older.counts).toMatchObject({ models: 1, modelsConverted: 1, seeds: 1 });
  });

  it("keeps `--` inside a singular test's quotes, drops its comments, and keeps its severity", () => {
    const result = convertDbtProject({
      texts: new Map([
        ["dbt_project.yml", "name: p\ntest-paths: [tests]\n"],
        ["models/m.sql", "select 'a--b' as name\n"],
        ["tests/t_warn.sql", "{{ config(severity='warn') }}\nselect * from {{ ref('m') }} where name is null\n"],
        ["tests/t_dashes.sql", "-- a comment\nselect * from {{ ref('m') }} where name = 'a--b' -- it's the dashes\n  and name <> 'it''s -- not'\n"],
      ]),
      seeds: [],
    });
    const text = result.notebooks.map((nb) => nb.text).join("\n");
    expect(text).toContain("-- check t_dashes: select * from this where name = 'a--b'\n--   and name <> 'it''s -- not'\n");
    expect(text).toContain("-- warn check t_warn: select * from this where name is null\n");
    expect(text).not.toContain("a comment");
    expect(text).not.toContain("it's the dashes");
  });

  it("says where a converted model reads one that was not converted", () => {
    const result = project({
      "models/a.sql": "select {{ nope() }} as x\n",
      "models/b.sql": "-- reads a\nselect x\nfrom {{ ref('a') }}\n",
    });
    expect(result.counts).toMatchObject({ models: 2, modelsConverted: 1 });
    expect(result.report.map((line) => `${line.file}:${line.line}: ${line.message}`)).toEqual([
      "models/a.sql:1: macro nope cannot be expanded: not a macro of the project",
      "models/b.sql:3: reads a, which was not converted: declared external, it fails to run until a is converted or loaded",
    ]);
  });
});
