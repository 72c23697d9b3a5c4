// A trained decision tree, stored as flat arrays. Node 0 is the root; a leaf has feature -1.
// An internal node sends a row to child[node] when its value <= threshold, else to
// child[node] + 1 (siblings are stored side by side, so prediction needs no branch on the
// direction). Each node carries `outputs` values (one per class for a forest classifier, one
// otherwise); only the leaves' are used.

export interface Tree {
  outputs: number;
  feature: Int32Array;
  threshold: Float64Array;
  child: Int32Array;
  values: Float64Array;
}

export interface TreeJson {
  outputs: number;
  feature: number[];
  threshold: number[];
  child: number[];
  values: number[];
}

export function treeToJson(tree: Tree): TreeJson {
  return {
    outputs: tree.outputs,
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    child: Array.from(tree.child),
    values: Array.from(tree.values),
  };
}

export function treeFromJson(json: TreeJson): Tree {
  return {
    outputs: json.outputs,
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold),
    child: Int32Array.from(json.child),
    values: Float64Array.from(json.values),
  };
}

/** Rows are scored in blocks whose values stay in cache while every tree walks them. */
const BLOCK_ROWS = 2048;

/**
 * Adds scale × the leaf values of each tree to out (rowCount × outputs, row-major); for a
 * single-output tree list, `outputIndex` of out's `outputCount` columns receives them.
 */
export function addTreesPrediction(
  trees: readonly Tree[],
  columns: readonly Float64Array[],
  rowCount: number,
  scale: number,
  out: Float64Array,
  outputCount = trees[0]?.outputs ?? 1,
  outputIndex = 0,
): void {
  const featureCount = columns.length;
  const block = new Float64Array(BLOCK_ROWS * featureCount);
  const leaves = new Int32Array(BLOCK_ROWS);
  for (let first = 0; first < rowCount; first += BLOCK_ROWS) {
    const size = Math.min(BLOCK_ROWS, rowCount - first);
    for (let f = 0; f < featureCount; f++) {
      const column = columns[f]!;
      for (let j = 0; j < size; j++) block[j * featureCount + f] = column[first + j]!;
    }
    for (const tree of trees) {
      const { feature, threshold, child, values, outputs } = tree;
      for (let j = 0; j < size; j++) {
        let node = 0;
        let splitOn = feature[0]!;
        while (splitOn >= 0) {
          node = child[node]! + (block[j * featureCount + splitOn]! > threshold[node]! ? 1 : 0);
          splitOn = feature[node]!;
        }
        leaves[j] = node;
      }
      for (let j = 0; j < size; j++) {
        const at = (first + j) * outputCount + outputIndex;
        for (let k = 0; k < outputs; k++) out[at + k] = out[at + k]! + scale * values[leaves[j]! * outputs + k]!;
      }
    }
  }
}
