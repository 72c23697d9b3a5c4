import { describe, expect, it } from "vitest";
import { Binary, Field, Int32, List, Struct, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import { readArrowColumns, UnsupportedArrowTypeError } from "./arrow-columns";

describe("readArrowColumns", () => {
  it("maps nested Arrow types to JSON text and dictionary strings to VARCHAR", () => {
    const table = new Table({
      tags: vectorFromArray([[1, 2], null], new List(new Field("item", new Int32(), true))),
      point: vectorFromArray([{ x: 1, label: "p" }, null], new Struct([new Field("x", new Int32()), new Field("label", new Utf8())])),
      kind: vectorFromArray(["a", "b"]),
    });
    const { columns, batches } = readArrowColumns(tableToIPC(table, "stream"));
    expect(columns).toEqual([
      { name: "tags", type: "JSON" },
      { name: "point", type: "JSON" },
      { name: "kind", type: "VARCHAR" },
    ]);
    expect(batches).toEqual([
      [
        ["[1,2]", null],
        ['{"x":1,"label":"p"}', null],
        ["a", "b"],
      ],
    ]);
  });

  it("refuses a type it cannot load, naming the column", () => {
    const table = new Table({ blob: vectorFromArray([new Uint8Array([1])], new Binary()) });
    expect(() => readArrowColumns(tableToIPC(table, "stream"))).toThrow(UnsupportedArrowTypeError);
    expect(() => readArrowColumns(tableToIPC(table, "stream"))).toThrow(/column "blob"/);
  });
});
