// Binds the catalog views in lib/ to the server's store, with the query string parsed by zod.
import { z } from "zod";
import { FRESHNESS } from "@/lib/catalog/freshness";
import { assetDetail, catalogPage, workspaceLineage, type CatalogFilters } from "@/lib/catalog/views";
import { notebookPartitionKeys } from "@/lib/runs/backfill";
import { readProductionSample, readSampleRowsFrom } from "@/lib/warehouse/sample-rows";
import { appConfig } from "./config";
import { appContext, appWorkers, syncNotebooks } from "./server-context";

const optional = z.preprocess((v) => (v === "" || Array.isArray(v) ? undefined : v), z.string().max(200).optional());

/** A list's page number from a query string (absent, blank or not a page number: undefined, the first page). */
export const pageNumber = z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).optional()).catch(undefined);

export const catalogQuerySchema = z.object({
  q: optional,
  kind: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["extract", "sql", "ml", "chart"]).optional()).catch(undefined),
  group: optional,
  owner: optional,
  tag: optional,
  freshness: z.preprocess((v) => (v === "" ? undefined : v), z.enum(FRESHNESS).optional()).catch(undefined),
  page: pageNumber,
});
export type CatalogQuery = z.infer<typeof catalogQuerySchema>;

export function toFilters(query: CatalogQuery): CatalogFilters {
  return {
    ...(query.q ? { search: query.q } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.group ? { group: query.group } : {}),
    ...(query.owner ? { owner: query.owner } : {}),
    ...(query.tag ? { tag: query.tag } : {}),
    ...(query.freshness ? { freshness: query.freshness } : {}),
  };
}

/** The catalog page, and the notebooks that are not in it as they are on disk (name and reason). */
export async function loadCatalog(query: CatalogQuery) {
  const context = await appContext();
  const { problems } = await syncNotebooks(context);
  return { ...(await catalogPage(context.db, context.workspaceId, toFilters(query), new Date(), { page: query.page ?? 1 })), notebookProblems: problems };
}

export async function loadLineage() {
  const context = await appContext();
  await syncNotebooks(context);
  return workspaceLineage(context.db, context.workspaceId, new Date());
}

export async function loadAsset(name: string) {
  const { db, workspaceId } = await appContext();
  return assetDetail(db, workspaceId, name, new Date());
}

/** Through the embedded workers' open warehouse when they run (DuckDB has one writer per file), else the configured warehouse, read-only. */
export async function loadSample(name: string) {
  const workers = await appWorkers();
  if (workers?.warehouse) return readSampleRowsFrom(workers.warehouse, name, 10);
  return readProductionSample(appConfig().warehouse, name, 10);
}

/** The partition keys of a notebook's latest version, or null when it is not partitioned. */
export async function loadPartitionKeys(notebook: string): Promise<string[] | null> {
  const { db, workspaceId } = await appContext();
  return (await notebookPartitionKeys(db, workspaceId, notebook, new Date()))?.keys ?? null;
}
