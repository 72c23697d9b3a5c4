// Standardization for the linear models: each column as (x - mean) / scale.

export interface Standardization {
  mean: number[];
  scale: number[];
}

export function fitStandardization(columns: readonly Float64Array[]): Standardization {
  const mean: number[] = [];
  const scale: number[] = [];
  for (const column of columns) {
    let sum = 0;
    for (let i = 0; i < column.length; i++) sum += column[i]!;
    const m = column.length === 0 ? 0 : sum / column.length;
    let squares = 0;
    for (let i = 0; i < column.length; i++) squares += (column[i]! - m) ** 2;
    const deviation = column.length === 0 ? 0 : Math.sqrt(squares / column.length);
    mean.push(m);
    // A constant column stays 0 after centering; any scale will do.
    scale.push(deviation > 0 ? deviation : 1);
  }
  return { mean, scale };
}

export function standardize(columns: readonly Float64Array[], { mean, scale }: Standardization): Float64Array[] {
  return columns.map((column, j) => {
    const out = new Float64Array(column.length);
    const m = mean[j] ?? 0;
    const s = scale[j] ?? 1;
    for (let i = 0; i < column.length; i++) out[i] = (column[i]! - m) / s;
    return out;
  });
}
