// Linear and ridge regression on standardized features: solves (Z'Z + alpha I) w = Z'(y - mean y)
// by Cholesky. Plain linear regression adds a vanishing ridge (1e-10 per row) so collinear
// columns (e.g. all one-hot columns of a feature) still solve; the bias is ~1e-10 relative.
// Ridge's alpha penalizes standardized coefficients.
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { fitStandardization, standardize, type Standardization } from "./standardize";

export interface LinearEstimator extends Standardization {
  kind: "linear";
  intercept: number;
  /** Coefficients of the standardized columns. */
  coef: number[];
}

const STABILIZER_PER_ROW = 1e-10;

export function trainLinear(columns: readonly Float64Array[], y: Float64Array, alpha: number): LinearEstimator {
  const n = y.length;
  const p = columns.length;
  const standardization = fitStandardization(columns);
  const z = standardize(columns, standardization);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i]!;
  yMean /= Math.max(1, n);
  const gram = new Matrix(p, p);
  const right = new Matrix(p, 1);
  for (let a = 0; a < p; a++) {
    const za = z[a]!;
    for (let b = a; b < p; b++) {
      const zb = z[b]!;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += za[i]! * zb[i]!;
      gram.set(a, b, dot);
      gram.set(b, a, dot);
    }
    let dot = 0;
    for (let i = 0; i < n; i++) dot += za[i]! * (y[i]! - yMean);
    right.set(a, 0, dot);
  }
  const ridge = alpha + STABILIZER_PER_ROW * Math.max(1, n);
  for (let a = 0; a < p; a++) gram.set(a, a, gram.get(a, a) + ridge);
  const solution = new CholeskyDecomposition(gram).solve(right);
  return { kind: "linear", ...standardization, intercept: yMean, coef: solution.getColumn(0) };
}

export function predictLinear(model: LinearEstimator, columns: readonly Float64Array[], rowCount: number): Float64Array {
  const out = new Float64Array(rowCount).fill(model.intercept);
  model.coef.forEach((coefficient, j) => {
    const column = columns[j]!;
    const m = model.mean[j]!;
    const s = model.scale[j]!;
    for (let i = 0; i < rowCount; i++) out[i] = out[i]! + (coefficient * (column[i]! - m)) / s;
  });
  return out;
}

/** The model in the features' own units: y = intercept + sum coef_j x_j. */
export function unstandardizedCoefficients(model: LinearEstimator): { intercept: number; coef: number[] } {
  const coef = model.coef.map((c, j) => c / model.scale[j]!);
  const intercept = coef.reduce((sum, c, j) => sum - c * model.mean[j]!, model.intercept);
  return { intercept, coef };
}
