// An asset has one producer in a workspace: two notebooks that declare the same asset name
// are a problem reported on both sides, naming the other file and line (the editor, the
// command line and the catalog sync read it from here).
import type { Notebook, NotebookIssue } from "../notebook/types";

export interface AssetProducer {
  asset: string;
  /** As shown to users, e.g. `notebooks/shop.md`. */
  file: string;
  line: number;
}

export function assetProducers(nb: Notebook): AssetProducer[] {
  return nb.cells.flatMap((cell) => (cell.type === "asset" ? [{ asset: cell.name, file: nb.file, line: cell.line }] : []));
}

/** The assets of `nb` that `others` (other notebooks' producers) also produce, each with those producers. */
export function producedElsewhere(nb: Notebook, others: readonly AssetProducer[]): { own: AssetProducer; elsewhere: AssetProducer[] }[] {
  const byName = new Map<string, AssetProducer[]>();
  for (const other of others) {
    if (other.file === nb.file) continue;
    const key = other.asset.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), other]);
  }
  return assetProducers(nb).flatMap((own) => {
    const elsewhere = byName.get(own.asset.toLowerCase());
    return elsewhere === undefined ? [] : [{ own, elsewhere }];
  });
}

export function producedElsewhereIssues(nb: Notebook, others: readonly AssetProducer[]): NotebookIssue[] {
  return producedElsewhere(nb, others).map(({ own, elsewhere }) => ({
    file: nb.file,
    line: own.line,
    column: 1,
    cell: own.asset,
    message: `asset "${own.asset}" is also produced by ${elsewhere.map((p) => `${p.file}:${p.line}`).join(", ")}; an asset has one producer: rename one of them`,
  }));
}

/** Across a set of notebooks (a workspace's), every asset declared by more than one, on each side. */
export function duplicateProducerIssues(notebooks: readonly Notebook[]): NotebookIssue[] {
  const all = notebooks.flatMap(assetProducers);
  return notebooks.flatMap((nb) => producedElsewhereIssues(nb, all));
}
