import { describe, expect, it } from "vitest";
import { parseCheckList } from "./check-list";

describe("parseCheckList", () => {
  it("parses every check kind with the given severity", () => {
    const text =
      "not_null(day), unique(a, b), accepted_values(status, ['open', 'it''s', \"x, y\", 3, true]), " +
      "relationships(user_id, raw.users.id), row_count(min=1, max=100), freshness(updated_at, 90m)";
    expect(parseCheckList(text, "warn")).toMatchObject({
      errors: [],
      checks: [
        { type: "not_null", column: "day", severity: "warn" },
        { type: "unique", columns: ["a", "b"], severity: "warn" },
        { type: "accepted_values", column: "status", values: ["open", "it's", "x, y", 3, true], severity: "warn" },
        { type: "relationships", column: "user_id", to: "raw.users", toColumn: "id", severity: "warn" },
        { type: "row_count", min: 1, max: 100, severity: "warn" },
        { type: "freshness", column: "updated_at", maxAgeSeconds: 5400, severity: "warn" },
      ],
    });
  });

  it("parses dbt-utils' checks by their dbt names", () => {
    const text =
      "unique_combination_of_columns(order_id, line), expression_is_true(coalesce(amount, 0) >= 0 and status <> 'x, y'), " +
      "accepted_range(amount, min=0, max=100.5), accepted_range(day, min='2024-01-01', inclusive=false), " +
      "not_empty_string(name), recency(updated_at, 1d), equal_rowcount(raw.orders)";
    expect(parseCheckList(text, "error")).toMatchObject({
      errors: [],
      checks: [
        { type: "unique_combination_of_columns", columns: ["order_id", "line"], severity: "error" },
        { type: "expression_is_true", expression: "coalesce(amount, 0) >= 0 and status <> 'x, y'", severity: "error" },
        { type: "accepted_range", column: "amount", min: 0, max: 100.5, inclusive: true, severity: "error" },
        { type: "accepted_range", column: "day", min: "2024-01-01", inclusive: false, severity: "error" },
        { type: "not_empty_string", column: "name", severity: "error" },
        { type: "recency", column: "updated_at", maxAgeSeconds: 86400, severity: "error" },
        { type: "equal_rowcount", to: "raw.orders", severity: "error" },
      ],
    });
  });

  it("names what a dbt-utils check needs", () => {
    const messages = (text: string) => parseCheckList(text, "error").errors.map((error) => error.message);
    expect(messages("accepted_range(amount)")).toEqual([expect.stringMatching(/min=…, max=… or both/)]);
    expect(messages("accepted_range(amount, min=1, min=2)")).toEqual(["min is given twice"]);
    expect(messages("accepted_range(amount, max=1, inclusive=maybe)")).toEqual([expect.stringMatching(/quoted string, a number or true\/false/)]);
    expect(messages("expression_is_true()")).toEqual([expect.stringMatching(/takes a SQL expression/)]);
    expect(messages("equal_rowcount(a, b)")).toEqual([expect.stringMatching(/equal_rowcount takes a table/)]);
    expect(messages("recency(at, soon)")).toEqual(['expected a duration like 30m, 24h or 7d, got "soon"']);
  });

  it("converts freshness units to seconds", () => {
    const ages = ["30s", "15m", "24h", "7d"].map((age) => parseCheckList(`freshness(t, ${age})`, "error").checks[0]);
    expect(ages.map((c) => (c?.type === "freshness" ? c.maxAgeSeconds : undefined))).toEqual([30, 900, 86400, 604800]);
  });

  it("accepts a double-quoted column name", () => {
    expect(parseCheckList('not_null("Trip Id")', "error").checks).toEqual([{ type: "not_null", column: "Trip Id", severity: "error" }]);
  });

  it("gives nothing for an empty list", () => {
    expect(parseCheckList("   ", "error")).toEqual({ checks: [], offsets: [], errors: [] });
  });

  it("reads a check that is not built in as a call, for the workspace file to resolve, with its offset", () => {
    const text = "not_null(day), positive(amount, 'a, b')";
    const result = parseCheckList(text, "error");
    expect(result.checks).toEqual([
      { type: "not_null", column: "day", severity: "error" },
      { type: "call", name: "positive", args: ["amount", "'a, b'"], severity: "error" },
    ]);
    expect(result.offsets).toEqual([0, text.indexOf("positive")]);
    expect(result.errors).toEqual([]);
  });

  it("reports argument errors at the argument", () => {
    const text = "row_count(min=1, maximum=3)";
    expect(parseCheckList(text, "error").errors).toEqual([{ offset: text.indexOf("maximum"), message: 'expected min=N or max=N, got "maximum=3"' }]);
  });

  it.each([
    ["not_null", "expected a check like not_null(column)"],
    ["not_null(a, b)", "not_null takes one column"],
    ["unique()", "unique takes one or more columns"],
    ["accepted_values(s, 'a')", "expected a list"],
    ["accepted_values(s, [])", "needs at least one value"],
    ["accepted_values(s, [open])", "expected a quoted string"],
    ["relationships(a, users)", "expected table.column"],
    ["row_count()", "needs min=N, max=N or both"],
    ["row_count(min=5, max=1)", "is above max"],
    ["freshness(t, soon)", "expected a duration"],
    ["not_null(1day)", "expected a column name"],
    ["not_null(a),, unique(b)", "empty check"],
  ])("rejects %s", (text, message) => {
    const result = parseCheckList(text, "error");
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toContain(message);
  });
});
