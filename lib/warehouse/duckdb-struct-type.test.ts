import { describe, expect, it } from "vitest";
import { parseDuckdbStructType } from "./duckdb-struct-type";

describe("parseDuckdbStructType", () => {
  it("reads a struct's fields, nested structs, quoted names and types with commas", () => {
    expect(parseDuckdbStructType('STRUCT(id BIGINT, "label" VARCHAR, "a ""b"", c" DECIMAL(18,3), deep STRUCT(x JSON, "Y" DOUBLE[]))')).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "label", type: "VARCHAR" },
      { name: 'a "b", c', type: "DECIMAL(18,3)" },
      { name: "deep", type: 'STRUCT(x JSON, "Y" DOUBLE[])' },
    ]);
  });

  it("keeps the case of field names", () => {
    expect(parseDuckdbStructType("STRUCT(ID BIGINT, userName VARCHAR)")).toEqual([
      { name: "ID", type: "BIGINT" },
      { name: "userName", type: "VARCHAR" },
    ]);
  });

  it("is null for anything that is not a struct: a list of structs, a scalar, a map", () => {
    expect(parseDuckdbStructType("STRUCT(a BIGINT)[]")).toBeNull();
    expect(parseDuckdbStructType("BIGINT")).toBeNull();
    expect(parseDuckdbStructType("MAP(VARCHAR, BIGINT)")).toBeNull();
    expect(parseDuckdbStructType("STRUCT(a BIGINT) ")).toEqual([{ name: "a", type: "BIGINT" }]);
  });
});
