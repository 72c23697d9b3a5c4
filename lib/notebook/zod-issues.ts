// Turn zod issues into short messages at a path, the way a user reads them.
import { z } from "zod";
import { MAX_ISSUES_PER_TEXT } from "./limits";
import { didYouMean } from "./suggest";

export interface PathMessage {
  path: PropertyKey[];
  message: string;
}

type Issue = z.core.$ZodIssue;

/**
 * At most `max` messages, then one saying how many more there are: a config with thousands
 * of wrong keys is read as fast as a right one (each message is located in the YAML later).
 */
export function describeIssues(schema: z.ZodType, input: unknown, issues: readonly Issue[], max = MAX_ISSUES_PER_TEXT): PathMessage[] {
  const described: PathMessage[] = [];
  let more = 0;
  for (const issue of issues) {
    const room = max - described.length;
    // unrecognized_keys lists every unknown key: describe (and suggest for) only those shown.
    const total = issue.code === "unrecognized_keys" ? issue.keys.length : 1;
    if (room <= 0) {
      more += total;
      continue;
    }
    const shown = issue.code === "unrecognized_keys" ? { ...issue, keys: issue.keys.slice(0, room) } : issue;
    described.push(...describeIssue(schema, input, shown));
    more += Math.max(0, total - room);
  }
  if (more > 0) described.push({ path: [], message: `${more} more problem${more === 1 ? "" : "s"} not shown` });
  return described;
}

function describeIssue(schema: z.ZodType, input: unknown, issue: Issue): PathMessage[] {
  const path = [...issue.path];
  const value = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = objectKeysAt(schema, path);
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"${didYouMean(key, known)}` }));
    }
    case "invalid_type":
      return [{ path, message: value === undefined ? "required" : `expected ${article(issue.expected)}, got ${describeValue(value)}` }];
    case "invalid_value":
      return [{ path, message: oneOf(issue.values.map(String), value) }];
    case "invalid_union":
      if (issue.discriminator !== undefined && "options" in issue && issue.options) {
        return [{ path, message: value === undefined ? `required: one of ${issue.options.join(", ")}` : oneOf(issue.options.map(String), value) }];
      }
      return [{ path, message: `wrong type: got ${describeValue(value)}` }];
    case "too_small":
      return [{ path, message: tooSmall(issue) }];
    case "too_big":
      return [{ path, message: `must be ${issue.inclusive ? "at most" : "below"} ${issue.maximum}` }];
    case "invalid_format":
    case "not_multiple_of":
    case "invalid_key":
    case "invalid_element":
    case "custom":
      return [{ path, message: issue.message }];
    default: {
      const unreachable: never = issue;
      return [{ path, message: String(unreachable) }];
    }
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  if (issue.origin === "array") return `needs at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
  if (issue.origin === "string") return "must not be empty";
  return `must be ${issue.inclusive ? "at least" : "above"} ${issue.minimum}`;
}

function oneOf(options: string[], value: unknown): string {
  // A missing discriminator (`source`, `type`) arrives as an invalid value of undefined.
  if (value === undefined) return `required: one of ${options.join(", ")}`;
  const got = typeof value === "string" ? `"${value}"` : describeValue(value);
  const hint = typeof value === "string" ? didYouMean(value, options) : "";
  return `${got} is not one of ${options.join(", ")}${hint}`;
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  if (expected === "object" || expected === "record") return "a mapping";
  if (expected === "array") return "a list";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string "${value}"`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Reflect.get(current, segment);
  }
  return current;
}

/** Keys the object schema at `path` accepts (all branches of a union), for suggestions. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let candidates: z.core.$ZodType[] = [schema];
  for (const segment of path) {
    candidates = candidates.flatMap(objectsIn).flatMap((object) => {
      const child: unknown = Reflect.get(object.shape, segment);
      return child instanceof z.core.$ZodType ? [child] : [];
    });
  }
  return [...new Set(candidates.flatMap(objectsIn).flatMap((object) => Object.keys(object.shape)))];
}

function objectsIn(schema: z.core.$ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return objectsIn(schema.unwrap());
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion) {
    return schema.options.flatMap((option: z.core.$ZodType) => objectsIn(option));
  }
  if (schema instanceof z.ZodPipe) return objectsIn(schema.in);
  return [];
}
