import { describe, expect, it } from "vitest";
import { contractResult, describeSchemaChanges, schemaChanges } from "./contract";

const columns = (...pairs: [string, string][]) => pairs.map(([name, type]) => ({ name, type }));

describe("schema change detection", () => {
  const before = columns(["id", "BIGINT"], ["amount", "INTEGER"], ["note", "VARCHAR"]);

  it("names added, removed and retyped columns; names match case-insensitively and order does not matter", () => {
    const after = columns(["AMOUNT", "DOUBLE"], ["ID", "BIGINT"], ["day", "DATE"]);
    const changes = schemaChanges(before, after);
    expect(changes).toEqual({ added: columns(["day", "DATE"]), removed: columns(["note", "VARCHAR"]), retyped: [{ name: "AMOUNT", from: "INTEGER", to: "DOUBLE" }] });
    expect(describeSchemaChanges(changes)).toBe("removed note (VARCHAR), added day (DATE), AMOUNT INTEGER -> DOUBLE");
  });

  it("freeze is an error check, warn a warning; nothing changed or no earlier materialization passes", () => {
    const after = columns(["id", "BIGINT"], ["amount", "INTEGER"]);
    expect(contractResult("freeze", before, after)).toMatchObject({ check: "contract", severity: "error", passed: false, failures: 1, error: expect.stringContaining("removed note (VARCHAR)") });
    expect(contractResult("warn", before, after)).toMatchObject({ severity: "warn", passed: false });
    expect(contractResult("freeze", before, before)).toMatchObject({ passed: true, failures: 0 });
    expect(contractResult("freeze", null, after)).toMatchObject({ passed: true });
  });
});
