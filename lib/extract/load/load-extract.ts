// One extract run over pages already at hand (tests, and file pages read elsewhere).
import type { Warehouse } from "../../warehouse/types";
import { ExtractLoader } from "./loader";
import type { ExtractLoadOptions, ExtractLoadResult } from "./load-options";

/** Runs one extract over its pages: staged page by page, swapped in at the end, or nothing. */
export async function loadExtract(
  warehouse: Warehouse,
  pages: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
  options: ExtractLoadOptions,
): Promise<ExtractLoadResult> {
  const loader = await ExtractLoader.open(warehouse, options);
  try {
    for await (const page of pages) await loader.loadPage(page);
    return await loader.commit();
  } catch (error) {
    await loader.abort().catch(() => undefined);
    throw error;
  }
}
