// `_row_key` of a raw table's rows, in SQL: row-key.ts's version 2 (md5 of keyText) of the
// record the page path would have met, built from the raw leaves: keys sorted as keyText
// sorts them, a NULL member left out, a nested record left out when all of it is. Pure: SQL
// text out, spelled by the reader's dialect.
import { quoteLiteral, type FileReader, type KeyTextKind } from "../../warehouse/types";
import { byCodeUnits, keyString } from "../normalize/row-key";
import { sourceKind, type ColumnProfile, type RawLeaf, type SourceKind } from "./raw-plan";

export type RowKeySql = { ok: true; sql: string } | { ok: false; reason: string };

interface KeyNode {
  value?: { sql: string; kind: KeyTextKind };
  fields: Map<string, KeyNode>;
}

export function rowKeySql(leaves: readonly RawLeaf[], profiles: readonly ColumnProfile[], spell: Pick<FileReader["sql"], "keyText" | "md5">): RowKeySql {
  const root = new Map<string, KeyNode>();
  for (const [index, leaf] of leaves.entries()) {
    // NULL throughout: never a member (and its type may be one no key spells).
    if ((profiles[index]?.nonNull ?? 0) === 0) continue;
    const source = sourceKind(leaf.type);
    const kind = source === null ? null : keyTextKind(source);
    if (kind === null) return { ok: false, reason: `field "${leaf.path.join(".")}" is ${leaf.type}, which SQL does not key as the page path does` };
    let fields = root;
    for (const [depth, segment] of leaf.path.entries()) {
      const node: KeyNode = fields.get(segment) ?? { fields: new Map() };
      fields.set(segment, node);
      if (depth === leaf.path.length - 1) node.value = { sql: leaf.sql, kind };
      fields = node.fields;
    }
  }
  const members = (fields: Map<string, KeyNode>): string[] =>
    [...fields]
      .sort(([a], [b]) => byCodeUnits(a, b))
      .map(([key, node]) => `${quoteLiteral(`${keyString(key)}:`)} || ${node.value === undefined ? nested(node.fields) : spell.keyText[node.value.kind](node.value.sql)}`);
  const nested = (fields: Map<string, KeyNode>) => `('{' || NULLIF(concat_ws(',', ${members(fields).join(", ")}), '') || '}')`;
  const top = members(root);
  const text = top.length === 0 ? "'{}'" : `('{' || concat_ws(',', ${top.join(", ")}) || '}')`;
  return { ok: true, sql: spell.md5(text) };
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
