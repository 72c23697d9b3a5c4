import { describe, expect, it } from "vitest";
import { enrichWarehouseError, WarehouseError } from "./errors";

// Messages as @duckdb/node-api 1.5.6 reports them.
const CASES = [
  {
    message: 'Permission Error: Cannot access file "/etc/passwd" - file system operations are disabled by configuration',
    kind: "permission",
    hint: "file access is limited to the workspace data directory (/work/data)",
  },
  {
    message: 'Invalid Input Error: Cannot change configuration option "memory_limit" - the configuration has been locked',
    kind: "locked_configuration",
    hint: "warehouse settings are locked and cannot be changed from SQL",
  },
  { message: "Permission Error: Loading external extensions is disabled through configuration", kind: "extension" },
  {
    message: 'Permission Error: Cannot access directory "/root/.duckdb/extensions/v1.5.6/linux_amd64" - file system operations are disabled by configuration',
    kind: "extension",
  },
  {
    message: 'Catalog Error: Table with name rides does not exist!\nDid you mean "pg_enum"?\n\nLINE 1: select * from rides\n                      ^',
    kind: "missing_table",
    hint: "no asset or table named rides in this warehouse; is it produced by a cell that has not run (or failed), or a source that was never loaded?",
  },
  { message: 'Parser Error: syntax error at or near "selec"\n\nLINE 1: selec 1\n        ^', kind: "syntax" },
  { message: 'Binder Error: Referenced column "nope" not found in FROM clause!', kind: "binder" },
  { message: "Conversion Error: Could not convert string 'a' to INT32", kind: "conversion" },
  { message: 'Constraint Error: PRIMARY KEY or UNIQUE constraint violation: duplicate key "1"', kind: "constraint" },
  { message: 'IO Error: No files found that match the pattern "/data/x.csv"', kind: "io" },
  { message: "TransactionContext Error: cannot rollback - no transaction is active", kind: "transaction" },
  { message: "something else entirely", kind: "other" },
] as const;

describe("enrichWarehouseError", () => {
  it.each(CASES)("classifies $kind", (testCase) => {
    const error = enrichWarehouseError(new Error(testCase.message), "select 1", { dataDir: "/work/data" });
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error.kind).toBe(testCase.kind);
    expect(error.backendMessage).toBe(testCase.message);
    if ("hint" in testCase) {
      expect(error.hint).toBe(testCase.hint);
      expect(error.message).toBe(`${testCase.message}\nHint: ${testCase.hint}`);
    }
  });

  it("keeps the SQL, the reported line and the cause", () => {
    const cause = new Error('Parser Error: syntax error at or near "frm"\n\nLINE 2: frm t\n        ^');
    const error = enrichWarehouseError(cause, "select *\nfrm t");
    expect(error.sql).toBe("select *\nfrm t");
    expect(error.line).toBe(2);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain("LINE 2: frm t");
  });

  it("names the missing table, quoted or not", () => {
    const error = enrichWarehouseError(new Error('Catalog Error: Table with name "My Table" does not exist!'), undefined);
    expect(error.table).toBe("My Table");
  });

  it("says file access is off when there is no data directory", () => {
    const error = enrichWarehouseError(new Error("Permission Error: Cannot access file \"/x\""), undefined);
    expect(error.hint).toBe("file and network access are disabled for this warehouse");
  });

  it("passes a WarehouseError through and wraps non-errors", () => {
    const original = new WarehouseError({ kind: "closed", backendMessage: "closed" });
    expect(enrichWarehouseError(original, "select 1")).toBe(original);
    expect(enrichWarehouseError("boom", undefined).backendMessage).toBe("boom");
  });
});
