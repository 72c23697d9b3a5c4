// The target column: inferring the task from it, and encoding it for training.
import type { MlTask } from "./config";
import { MlInputError } from "./errors";
import { isMissing, numericValue, type MlColumn, type MlValue } from "./table";

export type ClassLabel = string | number | boolean;

/** A numeric target with more than this many distinct values (or any fraction) is a regression. */
const MAX_CLASSES_FOR_NUMERIC_TARGET = 10;

/** Strings and booleans -> classification; numbers -> regression unless few distinct integers. */
export function inferTask(column: MlColumn): MlTask {
  const distinct = new Set<number>();
  let integersOnly = true;
  let numericSeen = false;
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (isMissing(value)) continue;
    if (typeof value === "string") return "classification";
    if (typeof value === "boolean") continue;
    const number = numericValue(value);
    if (number === null) continue;
    numericSeen = true;
    if (!Number.isInteger(number)) integersOnly = false;
    if (distinct.size <= MAX_CLASSES_FOR_NUMERIC_TARGET) distinct.add(number);
  }
  if (!numericSeen) return "classification";
  return integersOnly && distinct.size <= MAX_CLASSES_FOR_NUMERIC_TARGET ? "classification" : "regression";
}

/** Target values as numbers, NaN where missing; a string is an error. */
export function encodeRegressionTarget(column: MlColumn, name: string): Float64Array {
  const values = new Float64Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (isMissing(value)) {
      values[i] = NaN;
      continue;
    }
    const number = numericValue(value);
    if (number === null) {
      throw new MlInputError(
        "target",
        `target "${name}" is not numeric (found ${JSON.stringify(value)}); regression needs numbers — use task: classification`,
      );
    }
    values[i] = number;
  }
  return values;
}

export interface EncodedClasses {
  /** Class labels in a fixed order: false < true, numbers ascending, strings by code unit. */
  classes: ClassLabel[];
  /** Index into classes per row; -1 where the target is missing. */
  codes: Int32Array;
}

export function encodeClassificationTarget(column: MlColumn): EncodedClasses {
  const raw: (ClassLabel | null)[] = Array.from({ length: column.length }, (_, i) => labelOf(column[i]));
  // Mixed strings and numbers would make "1" and 1 two classes; compare them as strings.
  const anyString = raw.some((label) => typeof label === "string");
  const labels = anyString ? raw.map((label) => (label === null ? null : String(label))) : raw;
  const unique = new Set<ClassLabel>();
  for (const label of labels) if (label !== null) unique.add(label);
  const classes = [...unique].sort(compareLabels);
  const indexOf = new Map(classes.map((label, index) => [label, index]));
  const codes = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    codes[i] = label === null ? -1 : (indexOf.get(label) ?? -1);
  });
  return { classes, codes };
}

function labelOf(value: MlValue): ClassLabel | null {
  if (isMissing(value)) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
