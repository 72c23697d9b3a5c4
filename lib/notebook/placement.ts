// Where an asset's table is placed: the schema its cell names (`-- schema: staging`, or the
// YAML key), else its notebook's (`schema:` in the front matter), else the warehouse's own
// (undefined). Asset names stay unique across schemas, so a bare name always means one asset.
import type { AssetCell, Cell, FrontMatter, Notebook } from "./types";

export function assetSchemaOf(cell: AssetCell, frontMatter: Pick<FrontMatter, "schema">): string | undefined {
  // A chart has no table of its own.
  if (cell.kind === "chart") return undefined;
  const own = cell.config.schema;
  return typeof own === "string" ? own : frontMatter.schema;
}

/**
 * The notebook as it runs: each cell's config names the schema it is placed in (its own, else
 * the front matter's), so a host reads where a table goes from the cell alone.
 */
export function placeCells(notebook: Notebook): Notebook {
  const schema = notebook.frontMatter.schema;
  if (schema === undefined) return notebook;
  const cells = notebook.cells.map((cell): Cell => {
    if (cell.type !== "asset" || cell.kind === "chart" || cell.config.schema !== undefined) return cell;
    switch (cell.kind) {
      case "sql":
        return { ...cell, config: { ...cell.config, schema } };
      case "extract":
        return { ...cell, config: { ...cell.config, schema } };
      case "ml":
        return { ...cell, config: { ...cell.config, schema } };
      default: {
        const unreachable: never = cell;
        return unreachable;
      }
    }
  });
  return { ...notebook, cells };
}
