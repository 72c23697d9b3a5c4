// `_row_key` of a raw table's rows, in SQL: row-key.ts's version 2 (md5 of keyText) of the
// record the page path would have met, built from the raw leaves: keys sorted as keyText
// sorts them, a NULL member left out, a nested record left out when all of it is. Pure: SQL
// text out, spelled by the reader's dialect.
import { quoteIdent, quoteLiteral, type FileReader, type KeyTextKind, type RawColumn } from "../../warehouse/types";
import { byCodeUnits, keyString } from "../normalize/row-key";
import { rawLeaves, sourceKind, type ColumnProfile, type RawLeaf, type RawList, type SourceKind } from "./raw-plan";

export type RowKeySql = { ok: true; sql: string } | { ok: false; reason: string };

interface KeyNode {
  /** A leaf's SQL and kind, or a list's whole text. */
  value?: string;
  fields: Map<string, KeyNode>;
}

export type KeySpelling = Pick<FileReader["sql"], "keyText" | "keyList" | "md5" | "field">;

export function rowKeySql(leaves: readonly RawLeaf[], profiles: readonly Pick<ColumnProfile, "nonNull">[], spell: KeySpelling, lists: readonly RawList[] = []): RowKeySql {
  const root = new Map<string, KeyNode>();
  const place = (path: readonly string[], value: string) => {
    let fields = root;
    for (const [depth, segment] of path.entries()) {
      const node: KeyNode = fields.get(segment) ?? { fields: new Map() };
      fields.set(segment, node);
      if (depth === path.length - 1) node.value = value;
      fields = node.fields;
    }
  };
  for (const [index, leaf] of leaves.entries()) {
    // NULL throughout: never a member (and its type may be one no key spells).
    if ((profiles[index]?.nonNull ?? 0) === 0) continue;
    const source = sourceKind(leaf.type);
    const kind = source === null ? null : keyTextKind(source);
    if (kind === null) return refused(leaf.path, leaf.type);
    place(leaf.path, spell.keyText[kind](leaf.sql));
  }
  for (const list of lists) {
    const item = elementText(list.element, spell);
    if (item === null) return refused(list.path, list.element.type);
    place(list.path, spell.keyList(list.sql, item));
  }
  const top = members(root);
  const text = top.length === 0 ? "'{}'" : `('{' || concat_ws(',', ${top.join(", ")}) || '}')`;
  return { ok: true, sql: spell.md5(text) };
}

/**
 * The key rowKeySql gives a reader's columns, before they are loaded: every field taken to
 * have values (one NULL throughout adds nothing to a row's text, but rowKeySql leaves it
 * out). FileReader.load computes it as the file is read; raw-table.ts takes that column
 * only where rowKeySql over the loaded table gives the same SQL. Null: none to compute.
 */
export function rowKeySqlBeforeLoad(columns: readonly RawColumn[], spell: KeySpelling, maxDepth: number): string | null {
  const found = rawLeaves(columns, spell.field, quoteIdent, maxDepth);
  if (!found.ok) return null;
  const key = rowKeySql(found.leaves, found.leaves.map(() => ({ nonNull: 1 })), spell, found.lists);
  return key.ok ? key.sql : null;
}

/** An object's members' texts, keys sorted: `"key":` and the value's text (NULL, and so left out, for NULL). */
function members(fields: ReadonlyMap<string, KeyNode>): string[] {
  return [...fields].sort(([a], [b]) => byCodeUnits(a, b)).map(([key, node]) => `${quoteLiteral(`${keyString(key)}:`)} || ${node.value ?? nested(node.fields)}`);
}

/** A nested record's text; NULL when no member has a value (keyText leaves it out). */
function nested(fields: ReadonlyMap<string, KeyNode>): string {
  return `('{' || NULLIF(concat_ws(',', ${members(fields).join(", ")}), '') || '}')`;
}

/** The text of a list's element (SQL over it) by its type; null: one no key spells (a list, a type of no kind). */
function elementText(element: RawColumn, spell: KeySpelling): ((sql: string) => string) | null {
  if (element.element !== undefined) return null;
  if (element.fields === undefined) {
    const source = sourceKind(element.type);
    return source === null ? null : spell.keyText[keyTextKind(source)];
  }
  const fields = element.fields.map((field) => ({ name: field.name, text: elementText(field, spell) }));
  if (fields.some((field) => field.text === null)) return null;
  return (sql) => nested(new Map(fields.map(({ name, text }) => [name, { value: text?.(spell.field(sql, name)), fields: new Map() }])));
}

function refused(path: readonly string[], type: string): RowKeySql {
  return { ok: false, reason: `field "${path.join(".")}" is ${type}, which SQL does not key as the page path does` };
}

function keyTextKind(kind: SourceKind): KeyTextKind {
  switch (kind) {
    case "boolean":
    case "integer":
    case "date":
    case "timestamp":
    case "text":
      return kind;
    case "fractional":
      return "double";
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown kind ${String(unreachable)}`);
    }
  }
}
