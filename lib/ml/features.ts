// Feature encoding, fitted on the training rows and stored in the model.
//
// - numbers as they are; bigints as numbers; dates as epoch seconds; booleans as 0/1;
// - strings (and any column holding a string) are categories:
//   - linear and logistic models: one-hot (one 0/1 column per category) when a column has at
//     most 20 categories, otherwise ordinal;
//   - trees: always ordinal, since a tree splits an ordinal code as well as one-hot columns
//     and stays fast;
//   - ordinal codes follow frequency in the training rows (most frequent = 0, ties by label).
// - missing values: the median (numbers, dates) or the most frequent value (booleans,
//   categories). A category never seen in training counts as the most frequent one too.
import { isMissing, numericValue, type MlColumn, type MlValue } from "./table";

export const MAX_ONE_HOT_CATEGORIES = 20;

export type FeatureEncoder =
  | { kind: "numeric"; name: string; source: "number" | "boolean" | "date"; fill: number }
  | { kind: "one_hot"; name: string; categories: string[] }
  | { kind: "ordinal"; name: string; categories: string[] };

export type CategoryEncoding = "one_hot_or_ordinal" | "ordinal";

/** Encoded columns, column-major, and which feature each came from. */
export interface EncodedMatrix {
  columns: Float64Array[];
  names: string[];
  featureOf: number[];
}

export function fitEncoder(name: string, column: MlColumn, rows: Uint32Array, encoding: CategoryEncoding): FeatureEncoder {
  let strings = false;
  let dates = false;
  let nonBoolean = false;
  for (const row of rows) {
    const value = column[row];
    if (isMissing(value)) continue;
    if (typeof value === "string") strings = true;
    else if (value instanceof Date) dates = true;
    if (typeof value !== "boolean") nonBoolean = true;
  }
  if (strings) {
    const categories = categoriesByFrequency(column, rows);
    const oneHot = encoding === "one_hot_or_ordinal" && categories.length <= MAX_ONE_HOT_CATEGORIES;
    return { kind: oneHot ? "one_hot" : "ordinal", name, categories };
  }
  const values: number[] = [];
  for (const row of rows) {
    const number = numericValue(column[row] ?? null);
    if (number !== null) values.push(number);
  }
  const isBoolean = !nonBoolean && values.length > 0;
  const source = isBoolean ? "boolean" : dates ? "date" : "number";
  const fill = isBoolean ? mostFrequentBit(values) : median(values);
  return { kind: "numeric", name, source, fill };
}

export function encodedColumnNames(encoder: FeatureEncoder): string[] {
  switch (encoder.kind) {
    case "numeric":
    case "ordinal":
      return [encoder.name];
    case "one_hot":
      return encoder.categories.map((category) => `${encoder.name}=${category}`);
    default: {
      const unexpected: never = encoder;
      return unexpected;
    }
  }
}

/** Encodes every row of the given columns (one per encoder, same order). */
export function encodeFeatures(encoders: readonly FeatureEncoder[], columns: readonly MlColumn[], rowCount: number): EncodedMatrix {
  const matrix: EncodedMatrix = { columns: [], names: [], featureOf: [] };
  encoders.forEach((encoder, featureIndex) => {
    const column = columns[featureIndex];
    const names = encodedColumnNames(encoder);
    const encoded = names.map(() => new Float64Array(rowCount));
    if (column !== undefined) fillEncoded(encoder, column, encoded, rowCount);
    matrix.columns.push(...encoded);
    matrix.names.push(...names);
    for (let i = 0; i < names.length; i++) matrix.featureOf.push(featureIndex);
  });
  return matrix;
}

function fillEncoded(encoder: FeatureEncoder, column: MlColumn, out: Float64Array[], rowCount: number): void {
  switch (encoder.kind) {
    case "numeric": {
      const target = out[0]!;
      for (let row = 0; row < rowCount; row++) target[row] = numericValue(column[row] ?? null) ?? encoder.fill;
      return;
    }
    case "ordinal":
    case "one_hot": {
      const codeOf = new Map(encoder.categories.map((category, code) => [category, code]));
      for (let row = 0; row < rowCount; row++) {
        const value = column[row];
        // Missing and unseen categories both become the most frequent category (code 0).
        const code = isMissing(value) ? 0 : (codeOf.get(categoryOf(value)) ?? 0);
        if (encoder.kind === "ordinal") out[0]![row] = code;
        else out[code]![row] = 1;
      }
      return;
    }
    default: {
      const unexpected: never = encoder;
      return unexpected;
    }
  }
}

function categoryOf(value: MlValue): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function categoriesByFrequency(column: MlColumn, rows: Uint32Array): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const value = column[row];
    if (isMissing(value)) continue;
    const category = categoryOf(value);
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
    .map(([category]) => category);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function mostFrequentBit(values: readonly number[]): number {
  let ones = 0;
  for (const value of values) ones += value;
  return ones > values.length / 2 ? 1 : 0;
}
