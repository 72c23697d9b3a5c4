// Test helper: a fresh in-memory PGlite, loaded from one initialized data directory. Most
// of a new PGlite's start is its initdb (about 3 s here, against 1 s from a dump), and
// the queue's conformance suite opens one per test.
import { PGlite } from "@electric-sql/pglite";

let seed: Promise<Blob> | undefined;

async function initializedDataDir(): Promise<Blob> {
  const db = new PGlite();
  try {
    return await db.dumpDataDir("none");
  } finally {
    await db.close();
  }
}

/** A new, empty PGlite database of its own (nothing is shared but the initdb it starts from). */
export async function freshPglite(): Promise<PGlite> {
  seed ??= initializedDataDir();
  const db = new PGlite({ loadDataDir: await seed });
  await db.waitReady;
  return db;
}
