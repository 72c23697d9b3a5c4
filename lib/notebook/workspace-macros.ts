// A workspace's macros as the warehouse holds them (named by their content, calls of one another
// qualified), and the macros a cell's SQL calls.
import { canonicalJson, stableHash } from "./stable-hash";
import type { CellMacro } from "./types";
import type { Workspace } from "./workspace-file";
import { substituteVars } from "./workspace-vars";

/** A call of a macro the physical ones lack: every name a call is matched by comes from them, so this is a bug. */
export function missingMacro(name: string): never {
  throw new Error(`no macro ${name}`);
}

/** The physical macros `used` need, the ones they call first, so each is created after what it calls. */
export function macrosNeeded(physical: ReadonlyMap<string, PhysicalMacro>, used: ReadonlySet<string>): PhysicalMacro[] {
  const ordered: PhysicalMacro[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    const macro = physical.get(key);
    if (!macro || seen.has(key)) return;
    seen.add(key);
    for (const inner of calledPhysical(macro, physical)) visit(inner.toLowerCase());
    ordered.push(macro);
  };
  for (const key of [...used].sort()) visit(key);
  return ordered;
}

/** The workspace macros a physical macro's (already qualified) body calls. */
function calledPhysical(macro: PhysicalMacro, physical: ReadonlyMap<string, PhysicalMacro>): string[] {
  const body = macro.table ?? macro.sql ?? "";
  return [...physical.values()].filter((other) => body.includes(`${other.schema}.${other.name}(`) || body.includes(`${other.schema}.${other.name} (`)).map((other) => other.macro);
}

/** Where `sql` calls one of `macros`: each call's name as written, and its offset. */
function macroOccurrences(sql: string, macros: ReadonlyMap<string, string>): { offset: number; length: number; name: string }[] {
  const found: { offset: number; length: number; name: string }[] = [];
  if (macros.size === 0) return found;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] ?? "";
    const next = sql[i + 1] ?? "";
    if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j] ?? "")) j++;
      let k = j;
      while (k < sql.length && /\s/.test(sql[k] ?? "")) k++;
      // `a.b(` is a qualified function, not the workspace's.
      const qualified = i > 0 && sql[i - 1] === ".";
      const name = macros.get(sql.slice(i, j).toLowerCase());
      if (sql[k] === "(" && !qualified && name !== undefined) found.push({ offset: i, length: j - i, name });
      i = j;
    } else i++;
  }
  return found;
}

/**
 * The names among `macros` that `sql` calls: an identifier followed by `(`, outside strings,
 * quoted identifiers and comments. (DuckDB's parser would say the same, but the browser's
 * build has no JSON serializer for the statement tree.)
 */
export function macroCalls(sql: string, macros: readonly string[]): string[] {
  const byName = new Map(macros.map((name) => [name.toLowerCase(), name]));
  return [...new Set(macroOccurrences(sql, byName).map((call) => call.name))].sort();
}

/** The schema workspace macros are created in, each under a name that carries a hash of its content. */
export const MACRO_SCHEMA = "_assetbook";

/**
 * A workspace macro as the warehouse holds it: named by its content (`cents_to_dollars__3f2a…`),
 * so environments and production never redefine one another's, and a changed macro changes
 * the SQL of every cell that calls it (its plan and its rerun follow from that).
 */
export type PhysicalMacro = CellMacro;

/** Every workspace macro's physical form, macros calling macros resolved; a cycle is an error naming it. */
export function physicalMacros(workspace: Workspace): Map<string, PhysicalMacro> {
  const byName = new Map(workspace.macros.map((macro) => [macro.name.toLowerCase(), macro]));
  const names = new Map(workspace.macros.map((macro) => [macro.name.toLowerCase(), macro.name]));
  const done = new Map<string, PhysicalMacro>();
  const visiting: string[] = [];
  const resolve = (key: string): PhysicalMacro => {
    const known = done.get(key);
    if (known) return known;
    const macro = byName.get(key);
    if (!macro) throw new Error(`no macro ${key}`);
    if (visiting.includes(key)) throw new MacroCycleError([...visiting.slice(visiting.indexOf(key)), key].map((k) => byName.get(k)?.name ?? k));
    visiting.push(key);
    // A macro may use the workspace's variables: its body (and so its name) differs per target.
    const body = substituteVars(macro.table ?? macro.sql ?? "", workspace.vars, "sql").text;
    const rewritten = rewriteCalls(body, names, (name) => resolve(name.toLowerCase()));
    visiting.pop();
    const content = { args: macro.args, ...(macro.table !== undefined ? { table: rewritten } : { sql: rewritten }) };
    const physical: PhysicalMacro = { macro: macro.name, schema: MACRO_SCHEMA, name: `${macro.name}__${stableHash(canonicalJson(content)).slice(0, 12)}`, ...content };
    done.set(key, physical);
    return physical;
  };
  for (const key of byName.keys()) resolve(key);
  return done;
}

export class MacroCycleError extends Error {
  constructor(readonly cycle: string[]) {
    super(`the workspace's macros call each other in a cycle: ${cycle.join(" -> ")}`);
    this.name = "MacroCycleError";
  }
}

/** `sql` with each call of a workspace macro qualified by its physical name. */
export function rewriteCalls(sql: string, names: ReadonlyMap<string, string>, physicalOf: (name: string) => PhysicalMacro): string {
  let out = "";
  let last = 0;
  for (const call of macroOccurrences(sql, names)) {
    const physical = physicalOf(call.name);
    out += `${sql.slice(last, call.offset)}${physical.schema}.${physical.name}`;
    last = call.offset + call.length;
  }
  return out + sql.slice(last);
}
