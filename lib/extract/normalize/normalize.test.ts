import { describe, expect, it } from "vitest";
import { applyContract, ContractError, type Contract, type ContractBaseline } from "./contract";
import { RecordFlattener, MissingPrimaryKeyError, type FlatRecord } from "./flatten";
import { canonicalJson, stableHash } from "./hash";
import { fitsType, inferType, logicalTypeOfBackend, widenType } from "./logical-types";
import { ColumnNamer, snakeCase } from "./names";
import { applyPlan, inferSchema, planEvolution, type TableSchema } from "./schema";

describe("snakeCase", () => {
  it.each([
    ["Miles_per_Gallon", "miles_per_gallon"],
    ["Beak Length (mm)", "beak_length_mm"],
    ["camelCaseId", "camel_case_id"],
    ["HTTPStatus", "http_status"],
    ["userID", "user_id"],
    ["2fa", "_2fa"],
    ["_id", "_id"],
    ["a__b", "a_b"],
    ["  Hello-World!  ", "hello_world"],
    ["Ünïcode Näme", "ünïcode_näme"],
    ["!!!", "_"],
    ["already_snake", "already_snake"],
  ])("%s -> %s", (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});

describe("ColumnNamer", () => {
  it("resolves collisions with _2, _3 in first-come order and keeps the source names", () => {
    const namer = new ColumnNamer();
    expect(namer.name("t", ["Speed"])).toBe("speed");
    expect(namer.name("t", ["speed"])).toBe("speed_2");
    expect(namer.name("t", ["SPEED "])).toBe("speed_3");
    expect(namer.name("t", ["Speed"])).toBe("speed");
    expect(namer.name("t", ["map", "ID"])).toBe("map__id");
    expect(namer.name("other", ["speed"])).toBe("speed");
    expect(namer.mapping()).toEqual({
      t: { speed: "Speed", speed_2: "speed", speed_3: "SPEED ", map__id: "map.ID" },
      other: { speed: "speed" },
    });
  });

  it("never hands out an internal column name to a source field", () => {
    const namer = new ColumnNamer();
    expect(namer.name("t", ["_index"])).toBe("_index_2");
  });

  it("keeps the choices of a seeded mapping", () => {
    const namer = new ColumnNamer({ t: { speed: "speed", speed_2: "Speed" } });
    expect(namer.name("t", ["Speed"])).toBe("speed_2");
    expect(namer.name("t", ["speed"])).toBe("speed");
  });
});

describe("stableHash", () => {
  it("is deterministic, 32 hex digits, and tells contents apart", () => {
    expect(stableHash("abc")).toMatch(/^[0-9a-f]{32}$/);
    expect(stableHash("abc")).toBe(stableHash("abc"));
    expect(stableHash("abc")).not.toBe(stableHash("abd"));
  });

  it("hashes objects regardless of key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});

describe("type inference and promotion", () => {
  it("infers logical types from JSON values", () => {
    expect([1, 1.5, true, "x", "2024-01-02T03:04:05Z", "2024-01-02", "2024-13-45", null, { a: 1 }, [1]].map(inferType)).toEqual([
      "BIGINT",
      "DOUBLE",
      "BOOLEAN",
      "VARCHAR",
      "TIMESTAMP",
      "DATE",
      "VARCHAR",
      null,
      "JSON",
      "JSON",
    ]);
    expect(inferType(2 ** 70)).toBe("DOUBLE");
  });

  it("widens along the lattice", () => {
    expect(widenType("BIGINT", "DOUBLE")).toBe("DOUBLE");
    expect(widenType("DOUBLE", "BIGINT")).toBe("DOUBLE");
    expect(widenType("TIMESTAMP", "VARCHAR")).toBe("VARCHAR");
    expect(widenType("DATE", "TIMESTAMP")).toBe("TIMESTAMP");
    expect(widenType("BIGINT", "VARCHAR")).toBe("VARCHAR");
    expect(widenType("JSON", "VARCHAR")).toBe("VARCHAR");
    expect(widenType("JSON", "BIGINT")).toBe("JSON");
    expect(widenType("BOOLEAN", "BIGINT")).toBe("JSON");
    expect(widenType("TIMESTAMP", "DOUBLE")).toBe("VARCHAR");
  });

  it("tells whether a value fits a column", () => {
    expect(fitsType(3, "DOUBLE")).toBe(true);
    expect(fitsType(3.5, "BIGINT")).toBe(false);
    expect(fitsType(null, "BIGINT")).toBe(true);
    expect(fitsType({ a: 1 }, "VARCHAR")).toBe(true);
    expect(fitsType("soon", "TIMESTAMP")).toBe(false);
  });

  it("reads backend type names", () => {
    expect(["INTEGER", "DECIMAL(18,3)", "TIMESTAMP WITH TIME ZONE", "JSON", "TEXT", "BOOLEAN"].map(logicalTypeOfBackend)).toEqual([
      "BIGINT",
      "DOUBLE",
      "TIMESTAMP",
      "JSON",
      "VARCHAR",
      "BOOLEAN",
    ]);
  });
});

describe("schema inference and evolution", () => {
  it("infers a batch schema, ignoring nulls, and widens within the batch", () => {
    const schema = inferSchema([{ a: 1, b: null }, { a: 2.5, c: "x" }, { b: null }]);
    expect([...schema].map(([name, column]) => [name, column.type, column.sample])).toEqual([
      ["a", "DOUBLE", 2.5],
      ["c", "VARCHAR", "x"],
    ]);
  });

  it("plans added columns and promotions, never variant columns", () => {
    const existing: TableSchema = new Map([
      ["id", "BIGINT"],
      ["speed", "BIGINT"],
      ["name", "VARCHAR"],
      ["at", "TIMESTAMP"],
    ]);
    const batch = inferSchema([{ id: 1, speed: 1.5, name: 3, at: "later", elev: 10 }]);
    const plan = planEvolution(existing, batch);
    expect(plan).toEqual({
      add: [{ name: "elev", type: "BIGINT" }],
      promote: [
        { name: "speed", from: "BIGINT", to: "DOUBLE" },
        { name: "at", from: "TIMESTAMP", to: "VARCHAR" },
      ],
    });
    expect([...applyPlan(existing, plan)]).toEqual([
      ["id", "BIGINT"],
      ["speed", "DOUBLE"],
      ["name", "VARCHAR"],
      ["at", "VARCHAR"],
      ["elev", "BIGINT"],
    ]);
  });
});

describe("the child rows of a record", () => {
  it("counts what flatten makes: every list's elements, those of lists in them, none deeper than max_depth", () => {
    const record = { id: 1, tags: ["a", "b"], m: { legs: [{ points: [1, 2, 3] }, { points: [] }] }, grid: [[1, 2], [3]], none: null };
    const made = flattener().flatten(record);
    const rows = [...made.tables].filter(([table]) => table !== "rides").reduce((sum, [, tableRows]) => sum + tableRows.length, 0);
    expect(flattener().childRows(record)).toBe(rows);
    expect(rows).toBe(2 + 2 + 3 + 2 + 3);
    expect(flattener({ maxDepth: 1 }).childRows(record)).toBe(2 + 2);
    expect(flattener().childRows(5)).toBe(0);
  });
});

function flattener(options: { primaryKey?: string[]; maxDepth?: number } = {}) {
  return new RecordFlattener(
    { table: "rides", primaryKey: options.primaryKey ?? [], maxDepth: options.maxDepth ?? 10 },
    new ColumnNamer(),
  );
}

function tablesOf(record: FlatRecord): Record<string, unknown[]> {
  return Object.fromEntries(record.tables);
}

describe("RecordFlattener", () => {
  it("flattens objects in objects into __ columns", () => {
    const flat = flattener({ primaryKey: ["id"] }).flatten({ id: 7, map: { ID: "m1", Pos: { lat: 1.5, lng: 2 } }, Name: "x" });
    expect(tablesOf(flat)).toEqual({ rides: [{ id: 7, map__id: "m1", map__pos__lat: 1.5, map__pos__lng: 2, name: "x" }] });
    expect(flat.rootKey).toBe("7");
  });

  it("turns lists into child tables keyed by the parent's primary key", () => {
    const flat = flattener({ primaryKey: ["id"] }).flatten({ id: 7, tags: ["a", "b"], stops: [{ Name: "s1", geo: { x: 1 } }] });
    const tags = flat.tables.get("rides__tags") ?? [];
    const stops = flat.tables.get("rides__stops") ?? [];
    expect(tags.map(({ value, _parent_key, _root_key, _index }) => ({ value, _parent_key, _root_key, _index }))).toEqual([
      { value: "a", _parent_key: "7", _root_key: "7", _index: 0 },
      { value: "b", _parent_key: "7", _root_key: "7", _index: 1 },
    ]);
    expect(stops).toEqual([
      { name: "s1", geo__x: 1, _parent_key: "7", _root_key: "7", _index: 0, _row_key: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect(flat.tables.get("rides")).toEqual([{ id: 7 }]);
  });

  it("nests lists in lists and lists in list elements, keyed by the child row", () => {
    const flat = flattener({ primaryKey: ["id"] }).flatten({
      id: 1,
      matrix: [[1, 2], [3]],
      legs: [{ n: 1, points: [{ x: 0 }, { x: 1 }] }],
    });
    expect([...flat.tables.keys()]).toEqual(["rides", "rides__matrix", "rides__matrix__value", "rides__legs", "rides__legs__points"]);
    const matrix = flat.tables.get("rides__matrix") ?? [];
    const cells = flat.tables.get("rides__matrix__value") ?? [];
    expect(matrix.map((row) => row._index)).toEqual([0, 1]);
    expect(cells.map(({ value, _index, _parent_key, _root_key }) => ({ value, _index, parent: _parent_key, _root_key }))).toEqual([
      { value: 1, _index: 0, parent: matrix[0]?._row_key, _root_key: "1" },
      { value: 2, _index: 1, parent: matrix[0]?._row_key, _root_key: "1" },
      { value: 3, _index: 0, parent: matrix[1]?._row_key, _root_key: "1" },
    ]);
    const legs = flat.tables.get("rides__legs") ?? [];
    const points = flat.tables.get("rides__legs__points") ?? [];
    expect(legs.map(({ n, _parent_key }) => ({ n, _parent_key }))).toEqual([{ n: 1, _parent_key: "1" }]);
    expect(points.map(({ x, _parent_key }) => ({ x, parent: _parent_key }))).toEqual([
      { x: 0, parent: legs[0]?._row_key },
      { x: 1, parent: legs[0]?._row_key },
    ]);
  });

  it("stores nesting deeper than max_depth as JSON values", () => {
    const flat = flattener({ maxDepth: 1 }).flatten({ a: { b: { c: 1 } }, list: [[1]] });
    const root = flat.tables.get("rides")?.[0];
    expect(root?.a__b).toEqual({ c: 1 });
    expect(flat.tables.get("rides__list")?.map((row) => row.value)).toEqual([[1]]);
    const flatZero = flattener({ maxDepth: 0 }).flatten({ a: { b: 1 }, list: [1] });
    expect(flatZero.tables.get("rides")?.[0]).toMatchObject({ a: { b: 1 }, list: [1] });
    expect(flatZero.tables.size).toBe(1);
  });

  it("keys records without a primary key by a hash of their content", () => {
    const a = flattener().flatten({ x: 1, tags: ["t"] });
    const b = flattener().flatten({ tags: ["t"], x: 1 });
    const c = flattener().flatten({ x: 2, tags: ["t"] });
    expect(a.rootKey).toBe(b.rootKey);
    expect(a.rootKey).not.toBe(c.rootKey);
    expect(a.tables.get("rides")?.[0]?._row_key).toBe(a.rootKey);
    expect(a.tables.get("rides__tags")?.[0]?._parent_key).toBe(a.rootKey);
    expect(a.tables.get("rides__tags")?.[0]?._row_key).toBe(b.tables.get("rides__tags")?.[0]?._row_key);
  });

  it("builds composite keys and rejects a missing key", () => {
    const flat = flattener({ primaryKey: ["region", "id"] }).flatten({ region: "eu", id: 3 });
    expect(flat.rootKey).toBe('["eu","3"]');
    expect(() => flattener({ primaryKey: ["id"] }).flatten({ id: null })).toThrow(MissingPrimaryKeyError);
  });

  it("reads a record that is not an object as { value }", () => {
    expect(tablesOf(flattener().flatten(5)).rides).toEqual([{ value: 5, _row_key: expect.any(String) }]);
  });
});

describe("applyContract", () => {
  const baseline: ContractBaseline = new Map<string, TableSchema>([
    ["acts", new Map([["id", "BIGINT"], ["dist", "BIGINT"]])],
    ["acts__tags", new Map([["value", "VARCHAR"]])],
  ]);
  const record = (root: Record<string, unknown>, extra: [string, Record<string, unknown>[]][] = []): FlatRecord => ({
    rootKey: "1",
    tables: new Map<string, Record<string, unknown>[]>([["acts", [root]], ...extra]),
  });
  const apply = (flat: FlatRecord, contract: Partial<Contract>, base: ContractBaseline = baseline) =>
    applyContract(flat, {
      cell: "acts",
      rootTable: "acts",
      contract: { columns: "evolve", data_type: "evolve", ...contract },
      baseline: base,
    });

  it("evolve keeps everything; a first run is never enforced", () => {
    const flat = record({ id: 1, elev_high: 1.5 });
    expect(apply(flat, {})).toBe(flat);
    expect(apply(flat, { columns: "freeze" }, null)).toBe(flat);
  });

  it("columns: freeze names the cell, the column and a sample value", () => {
    expect(() => apply(record({ id: 1, elev_high: 123.4 }), { columns: "freeze" })).toThrow(
      new ContractError('cell "acts": contract: new column "elev_high" (sample value 123.4) but columns is freeze'),
    );
    expect(() => apply(record({ id: 1 }, [["acts__laps", [{ n: "x", _index: 0 }]]]), { columns: "freeze" })).toThrow(
      'cell "acts": contract: new column "n" in table "acts__laps" (sample value "x") but columns is freeze',
    );
  });

  it("columns: discard_row drops the record, discard_value drops the value (and new child tables)", () => {
    expect(apply(record({ id: 1, elev: 2 }), { columns: "discard_row" })).toBeNull();
    const kept = apply(record({ id: 1, elev: 2, dist: null }, [["acts__laps", [{ n: 1, _index: 0 }]]]), { columns: "discard_value" });
    expect(kept && tablesOf(kept)).toEqual({ acts: [{ id: 1, dist: null }] });
    // null values say nothing about columns
    expect(apply(record({ id: 1, elev: null }), { columns: "freeze" })).not.toBeNull();
  });

  it("data_type: freeze, discard_row, discard_value", () => {
    expect(() => apply(record({ id: 1, dist: 1.5 }), { data_type: "freeze" })).toThrow(
      'cell "acts": contract: column "dist" is BIGINT but got DOUBLE (sample value 1.5) and data_type is freeze',
    );
    expect(apply(record({ id: 1, dist: "far" }), { data_type: "discard_row" })).toBeNull();
    const kept = apply(record({ id: 1, dist: "far" }), { data_type: "discard_value" });
    expect(kept && tablesOf(kept)).toEqual({ acts: [{ id: 1, dist: null }] });
    // a value that fits without a type change is fine
    expect(apply(record({ id: 1, dist: 3 }), { data_type: "freeze" })).not.toBeNull();
  });
});
