// Notebook versions: a file on disk or a save in the app becomes a new version
// only when its text changed; each version points at the one it replaced.
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import type { NotebookVersion } from "./generated/client";
import type { CatalogDb } from "./store";

export interface ImportNotebookInput {
  workspaceId: string;
  slug: string;
  text: string;
  /** The user who saved it; null for an import from disk. */
  authorId: string | null;
}

export interface ImportedVersion {
  version: NotebookVersion;
  /** False when the text equals the latest version's (which is returned). */
  created: boolean;
}

export function textHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export async function importNotebookVersion(db: CatalogDb, input: ImportNotebookInput): Promise<ImportedVersion> {
  const hash = textHash(input.text);
  return db.$transaction(async (tx) => {
    // Insert-if-absent, then lock the row: concurrent saves of one notebook
    // (even its first) queue here, so version numbers stay dense.
    await tx.$executeRaw`INSERT INTO notebooks (id, "workspaceId", slug, "createdAt", "updatedAt")
      VALUES (${randomUUID()}, ${input.workspaceId}, ${input.slug}, now(), now())
      ON CONFLICT ("workspaceId", slug) DO NOTHING`;
    const locked = await tx.$queryRaw`SELECT id FROM notebooks WHERE "workspaceId" = ${input.workspaceId} AND slug = ${input.slug} FOR UPDATE`;
    const [notebook] = z.tuple([z.object({ id: z.string() })]).parse(locked);
    const latest = await tx.notebookVersion.findFirst({ where: { notebookId: notebook.id }, orderBy: { number: "desc" } });
    if (latest && latest.textHash === hash && latest.text === input.text) return { version: latest, created: false };
    const version = await tx.notebookVersion.create({
      data: {
        notebookId: notebook.id,
        number: (latest?.number ?? 0) + 1,
        text: input.text,
        textHash: hash,
        authorId: input.authorId,
        parentId: latest?.id ?? null,
      },
    });
    await tx.notebook.update({ where: { id: notebook.id }, data: { updatedAt: version.createdAt } });
    return { version, created: true };
  });
}

export async function latestNotebookVersion(db: CatalogDb, workspaceId: string, slug: string): Promise<NotebookVersion | null> {
  return db.notebookVersion.findFirst({ where: { notebook: { workspaceId, slug } }, orderBy: { number: "desc" } });
}

/**
 * A version with exactly this text: the newest one that has it, else a new one. Production's
 * texts come back to versions that already exist (a promotion of what was saved).
 */
export async function versionWithText(db: CatalogDb, workspaceId: string, slug: string, text: string): Promise<NotebookVersion> {
  const existing = await db.notebookVersion.findFirst({ where: { notebook: { workspaceId, slug }, textHash: textHash(text) }, orderBy: { number: "desc" } });
  if (existing !== null && existing.text === text) return existing;
  return (await importNotebookVersion(db, { workspaceId, slug, text, authorId: null })).version;
}
