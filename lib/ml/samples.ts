// The training samples as the estimators see them: encoded feature columns and the target,
// both holding only the training rows, in table order.

export type TrainingTarget =
  | { task: "regression"; values: Float64Array }
  | { task: "classification"; codes: Int32Array; classCount: number };

export interface TrainingSamples {
  columns: Float64Array[];
  target: TrainingTarget;
}

/** The rows of each column, in the given order. */
export function gatherColumns(columns: readonly Float64Array[], rows: Uint32Array): Float64Array[] {
  return columns.map((column) => {
    const gathered = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) gathered[i] = column[rows[i]!]!;
    return gathered;
  });
}

export function identityRows(count: number): Uint32Array {
  const rows = new Uint32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return rows;
}
