// Deterministic data sets for the lib/ml tests.
import { createRandom } from "./random";

export function uniformColumn(seed: number, n: number, low: number, high: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => low + random() * (high - low));
}

/** Two features in [-1, 1]; the class is whether they have the same sign (XOR). */
export function xorTable(n: number, seed = 7): { a: number[]; b: number[]; label: string[] } {
  const a = uniformColumn(seed, n, -1, 1);
  const b = uniformColumn(seed + 1, n, -1, 1);
  return { a, b, label: a.map((value, i) => ((value > 0) === (b[i]! > 0) ? "same" : "different")) };
}

/** y = sin(2 x1) × 3 + x2² with a little noise, plus an uninformative column. */
export function nonlinearTable(n: number, seed = 3): { x1: number[]; x2: number[]; noise: number[]; y: number[] } {
  const x1 = uniformColumn(seed, n, -3, 3);
  const x2 = uniformColumn(seed + 1, n, -2, 2);
  const noise = uniformColumn(seed + 2, n, 0, 1);
  const jitter = uniformColumn(seed + 3, n, -0.1, 0.1);
  return { x1, x2, noise, y: x1.map((value, i) => Math.sin(2 * value) * 3 + x2[i]! ** 2 + jitter[i]!) };
}
