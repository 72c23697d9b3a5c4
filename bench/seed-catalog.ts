// The catalog the catalog and page benches measure on: notebooks, assets with lineage,
// materializations in several environments, and production runs with their events.
import { randomUUID } from "node:crypto";
import type { CatalogDb } from "../lib/catalog";
import type { Prisma } from "../lib/catalog/generated/client";

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedSize {
  assets: number;
  materializations: number;
  /** Production runs, each with its events and some of the materializations (default none). */
  runs?: number;
}

/** A large, varied catalog: notebooks, assets with lineage, materializations, runs. Deterministic (seeded). */
export async function seedCatalog(db: CatalogDb, workspaceId: string, { assets: nAssets, materializations: nMats, runs: nRuns = 0 }: SeedSize): Promise<void> {
  const rand = rng(42);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const some = <T,>(xs: readonly T[], max: number): T[] => [...new Set(Array.from({ length: Math.floor(rand() * (max + 1)) }, () => pick(xs)))];
  const nNotebooks = Math.max(1, Math.round(nAssets / 50));
  const owners = Array.from({ length: 30 }, (_, i) => `user${i}@example.com`);
  const tags = Array.from({ length: 40 }, (_, i) => `tag${i}`);
  const groups = Array.from({ length: 25 }, (_, i) => `group_${i}`);
  const kinds = ["extract", "sql", "sql", "sql", "ml", "chart"] as const;

  const notebooks = Array.from({ length: nNotebooks }, (_, i) => ({ id: randomUUID(), workspaceId, slug: `nb_${i}` }));
  await db.notebook.createMany({ data: notebooks });

  const assets: Prisma.AssetCreateManyInput[] = [];
  for (let i = 0; i < nAssets; i++) {
    const nb = i % nNotebooks;
    const name = `asset_${String(i).padStart(5, "0")}`;
    // Upstreams among earlier assets: mostly the same notebook, sometimes another one.
    const upstream = new Set<string>();
    for (let k = Math.floor(rand() * 4); k > 0 && i > 0; k--) {
      const j = rand() < 0.8 ? i - nNotebooks * (1 + Math.floor(rand() * 3)) : Math.floor(rand() * i);
      if (j >= 0) upstream.add(`asset_${String(j).padStart(5, "0")}`);
    }
    assets.push({
      id: randomUUID(),
      workspaceId,
      name,
      kind: pick(kinds),
      notebookId: notebooks[nb]!.id,
      cell: name,
      group: rand() < 0.9 ? pick(groups) : null,
      owners: some(owners, 2),
      tags: some(tags, 3),
      upstream: [...upstream],
      description: rand() < 0.6 ? `Generated asset ${i} for the catalog bench` : null,
    });
  }
  for (let i = 0; i < assets.length; i += 2000) await db.asset.createMany({ data: assets.slice(i, i + 2000) });

  const runIds = await seedRuns(db, workspaceId, notebooks.map((n) => n.id), nRuns, rand);

  // 5% never materialized; the rest share nMats, 80% in production.
  const live = assets.filter(() => rand() >= 0.05);
  const now = Date.now();
  const chunk: Prisma.MaterializationCreateManyInput[] = [];
  const flush = async () => {
    if (chunk.length) await db.materialization.createMany({ data: chunk.splice(0) });
  };
  for (let i = 0; i < nMats; i++) {
    const asset = live[i % live.length]!;
    const r = rand();
    const nChecks = Math.floor(rand() * 4);
    chunk.push({
      assetId: asset.id!,
      environment: r < 0.8 ? "production" : r < 0.9 ? "preview" : `review/${Math.floor(rand() * 50)}`,
      partition: rand() < 0.1 ? `2024-01-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}` : null,
      status: rand() < 0.9 ? "succeeded" : rand() < 0.7 ? "failed" : "skipped",
      rows: BigInt(Math.floor(rand() * 10_000_000)),
      columns: Array.from({ length: 3 + Math.floor(rand() * 6) }, (_, c) => ({ name: `col_${c}`, type: pick(["BIGINT", "VARCHAR", "DOUBLE", "TIMESTAMP"]) })),
      bytes: BigInt(Math.floor(rand() * 1e9)),
      durationMs: rand() * 5000,
      checks: Array.from({ length: nChecks }, (_, c) => ({ check: `check_${c}`, severity: rand() < 0.8 ? "error" : "warn", passed: rand() < 0.9, failures: 0 })),
      createdAt: new Date(now - rand() * 30 * 86_400_000),
      runId: runIds.length > 0 && r < 0.8 ? runIds[i % runIds.length] : null,
    });
    if (chunk.length >= 5000) await flush();
  }
  await flush();
}


/** `n` runs over the notebooks, mostly succeeded, each with a few log events; their ids. */
async function seedRuns(db: CatalogDb, workspaceId: string, notebookIds: string[], n: number, rand: () => number): Promise<string[]> {
  const now = Date.now();
  const statuses = ["succeeded", "succeeded", "succeeded", "succeeded", "failed", "cancelled"] as const;
  const ids: string[] = [];
  for (let start = 0; start < n; start += 2000) {
    const runs: Prisma.RunCreateManyInput[] = [];
    const events: Prisma.RunEventCreateManyInput[] = [];
    for (let i = start; i < Math.min(n, start + 2000); i++) {
      const id = randomUUID();
      const createdAt = new Date(now - rand() * 30 * 86_400_000);
      const status = statuses[Math.floor(rand() * statuses.length)] ?? "succeeded";
      runs.push({ id, workspaceId, notebookId: notebookIds[i % notebookIds.length] ?? null, status, trigger: rand() < 0.7 ? "schedule" : "manual", environment: "production", selection: [], partitions: [], createdAt, startedAt: createdAt, finishedAt: new Date(createdAt.getTime() + rand() * 600_000), error: status === "failed" ? "asset_00001: Binder Error: column x not found" : null });
      events.push(
        { runId: id, type: "state", message: "queued", at: createdAt },
        { runId: id, type: "state", message: "started", at: createdAt },
        { runId: id, type: "log", message: "asset_00001: attempt 1 succeeded, 1,204 rows", at: createdAt },
        { runId: id, type: "state", level: status === "failed" ? "error" : "info", message: status, at: createdAt },
      );
      ids.push(id);
    }
    await db.run.createMany({ data: runs });
    await db.runEvent.createMany({ data: events });
  }
  return ids;
}
