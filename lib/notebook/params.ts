// Run parameters: the front matter declares them typed (`params: { horizon: { type: integer,
// default: 7, min: 1 } }`), a run sets them (`--param horizon=14`), and cells read them as
// `{{ params.horizon }}`: a SQL literal in SQL, plain text in an extract's strings, the typed
// value where it is a whole ML config value. Values are checked before anything runs.
import { z } from "zod";
import { didYouMean } from "./suggest";

export const PARAM_TYPES = ["integer", "number", "string", "boolean", "date"] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const paramDefSchema = z
  .strictObject({
    type: z.enum(PARAM_TYPES),
    default: scalar.optional(),
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
    /** The only values allowed. */
    values: z.array(scalar).min(1).optional(),
    description: z.string().optional(),
  })
  .superRefine((def, ctx) => {
    if (def.default === undefined) return;
    const checked = checkValue("default", def, String(def.default));
    if (!checked.ok) ctx.addIssue({ code: "custom", path: ["default"], message: checked.problem });
  });
export type ParamDef = z.infer<typeof paramDefSchema>;
export const paramsSchema = z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, "a parameter's name: lower-case letters, digits and _"), paramDefSchema);

export type ParamValue = string | number | boolean;

/** A value given as text (`--param horizon=14`, a form, JSON) as its declared type, or why it is not one. */
export function checkValue(name: string, def: ParamDef, text: string): { ok: true; value: ParamValue } | { ok: false; problem: string } {
  const fail = (why: string) => ({ ok: false as const, problem: `parameter ${name}: ${why}` });
  let value: ParamValue;
  switch (def.type) {
    case "integer":
    case "number": {
      const number = Number(text);
      if (text.trim() === "" || !Number.isFinite(number)) return fail(`"${text}" is not a number`);
      if (def.type === "integer" && !Number.isInteger(number)) return fail(`"${text}" is not an integer`);
      value = number;
      break;
    }
    case "boolean":
      if (text !== "true" && text !== "false") return fail(`"${text}" is not true or false`);
      value = text === "true";
      break;
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) return fail(`"${text}" is not a date (YYYY-MM-DD)`);
      value = text;
      break;
    case "string":
      value = text;
      break;
    default: {
      const unexpected: never = def.type;
      return unexpected;
    }
  }
  if (def.min !== undefined && value < def.min) return fail(`${text} is below the minimum ${def.min}`);
  if (def.max !== undefined && value > def.max) return fail(`${text} is above the maximum ${def.max}`);
  if (def.values !== undefined && !def.values.some((allowed) => String(allowed) === String(value))) return fail(`"${text}" is not one of ${def.values.join(", ")}`);
  return { ok: true, value };
}

/**
 * Every declared parameter's value for a run: the given one, else its default. A parameter
 * the notebook does not declare, a value of the wrong type or range, or a parameter without
 * a default that is not given, is a problem (each named).
 */
export function resolveParams(defs: Readonly<Record<string, ParamDef>>, given: Readonly<Record<string, string>>): { ok: true; values: Map<string, ParamValue> } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const values = new Map<string, ParamValue>();
  for (const name of Object.keys(given)) {
    if (!(name in defs)) problems.push(`parameter ${name} is not declared by the notebook${didYouMean(name, Object.keys(defs))}`);
  }
  for (const [name, def] of Object.entries(defs)) {
    const text = given[name] ?? (def.default === undefined ? undefined : String(def.default));
    if (text === undefined) {
      problems.push(`parameter ${name} has no default: set it (--param ${name}=…)`);
      continue;
    }
    const checked = checkValue(name, def, text);
    if (checked.ok) values.set(name, checked.value);
    else problems.push(checked.problem);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

/** `k=v` pairs (a CLI's repeated `--param`) as an object; a pair without `=` is a problem. */
export function paramPairs(pairs: readonly string[]): { ok: true; params: Record<string, string> } | { ok: false; problem: string } {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) return { ok: false, problem: `--param ${pair}: write --param name=value` };
    params[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  return { ok: true, params };
}
