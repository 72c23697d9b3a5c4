// /notebooks/<slug>: reads the notebook file; the workspace runs in the browser.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { formatIssue } from "@/lib/notebook/types";
import { draftFromText } from "@/lib/workspace/draft";
import { assetProducers, type AssetProducer } from "@/lib/graph/producers";
import { parseNotebook } from "@/lib/notebook/parse";
import { readNotebook, readNotebookDir } from "@/lib/workspace/notebook-files";
import { isSlug } from "@/lib/workspace/slug";
import { notebooksDir } from "@/app/notebooks";
import { appContext } from "@/app/_lib/server-context";
import { isPromoted, productionTexts, productionVersion } from "@/lib/catalog/production";
import { headers } from "next/headers";
import { can } from "@/lib/auth";
import { openReviewsOf } from "@/lib/reviews/store";
import { newestPartitionWithData } from "@/lib/runs";
import { principalOf } from "@/app/_lib/session";
import { NotebookWorkspace, type EditorWorkspace } from "../_workspace/NotebookWorkspace";
import type { NotebookFreshness } from "../_workspace/FreshnessBadge";
import { notebookFreshness } from "@/lib/catalog/freshness-states";
import { browserWorkspace, parseWorkspaceFile, workspaceFor, WORKSPACE_FILE } from "@/lib/notebook/workspace-file";

interface Params {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug } = await params;
  return { title: `${slug} · Assetbook` };
}

export default async function NotebookPage({ params }: Params) {
  await connection();
  const { slug } = await params;
  if (!isSlug(slug)) notFound();
  const file = await readNotebook(notebooksDir(), slug);
  if (!file) notFound();
  let n = 0;
  const draft = draftFromText(file.text, `notebooks/${slug}.md`, () => `f${++n}`);
  if (!draft.ok) {
    return (
      <section className="card" role="alert">
        <h2>notebooks/{slug}.md cannot be opened</h2>
        <pre>{draft.issues.map(formatIssue).join("\n")}</pre>
      </section>
    );
  }
  // Independent reads, asked at once.
  const [others, production, reviews, initialPartition, freshness] = await Promise.all([otherProducers(slug), productionOf(slug), reviewsOf(slug), newestWithData(slug), freshnessOf(slug)]);
  return (
    <NotebookWorkspace
      slug={slug}
      initialText={file.text}
      initialHash={file.hash}
      initialDraft={draft.draft}
      otherProducers={others.producers}
      workspace={others.workspace}
      production={production}
      reviews={reviews}
      initialPartition={initialPartition}
      freshness={freshness}
    />
  );
}

/** The partition the editor opens on: the newest production has rows for (null: the newest that has started). */
async function newestWithData(slug: string): Promise<string | null> {
  const { db, workspaceId } = await appContext();
  return newestPartitionWithData(db, workspaceId, slug).catch(() => null);
}

/** Its assets' freshness under their policies, as the scheduler last evaluated it. */
async function freshnessOf(slug: string): Promise<NotebookFreshness[]> {
  const { db, workspaceId } = await appContext();
  return (await notebookFreshness(db, workspaceId, slug)).map((f) => ({ asset: f.asset, state: f.state, since: f.since.toISOString() }));
}

/** Production's text of the notebook (null: not in production), or undefined before the workspace's first promotion. */
async function productionOf(slug: string): Promise<{ text: string | null } | undefined> {
  const { db, workspaceId } = await appContext();
  if (!(await isPromoted(db, workspaceId))) return undefined;
  return { text: (await productionVersion(db, workspaceId, slug))?.text ?? null };
}

/**
 * The assets the workspace's other notebooks produce (the editor reports a cell that declares
 * one of them), and the workspace file's text (null: none), which the editor runs with.
 */
async function otherProducers(slug: string): Promise<{ producers: AssetProducer[]; workspace: EditorWorkspace }> {
  const { notebooks, workspace } = await readNotebookDir(notebooksDir());
  const producers = notebooks.filter((nb) => nb.slug !== slug).flatMap((nb) => {
    const parsed = parseNotebook(nb.text, nb.file).notebook;
    return parsed === undefined ? [] : assetProducers(parsed);
  });
  return { producers, workspace: editorWorkspace(workspace) };
}

/** The workspace file's development values as the browser may see them, or its mistakes. */
function editorWorkspace(text: string | null): EditorWorkspace {
  if (text === null) return null;
  const parsed = parseWorkspaceFile(text, `notebooks/${WORKSPACE_FILE}`);
  return parsed.ok ? { workspace: browserWorkspace(workspaceFor(parsed.workspace, "development")) } : { issues: parsed.issues };
}

/** This notebook's open reviews; for a member who may propose, also the other notebooks whose working copy differs from production. */
async function reviewsOf(slug: string): Promise<{ canPropose: boolean; otherChanged: string[]; open: { number: number; title: string }[] } | null> {
  const principal = await principalOf(await headers());
  if (principal === null) return null;
  const { db, workspaceId } = await appContext();
  const production = await productionTexts(db, workspaceId);
  if (production === null) return null;
  const open = await openReviewsOf(db, workspaceId, slug);
  if (!can(principal.role, "propose_review")) return { canPropose: false, otherChanged: [], open };
  const { notebooks } = await readNotebookDir(notebooksDir());
  const onDisk = new Set(notebooks.map((nb) => nb.slug));
  const otherChanged = [
    ...notebooks.filter((nb) => nb.slug !== slug && production[nb.slug] !== nb.text).map((nb) => nb.slug),
    // Deleted files still in production: proposing them removes them.
    ...Object.keys(production).filter((other) => other !== slug && !onDisk.has(other)),
  ].sort();
  return { canPropose: true, otherChanged, open };
}
