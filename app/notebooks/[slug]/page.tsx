// /notebooks/<slug>: reads the notebook file; the workspace runs in the browser.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { formatIssue } from "@/lib/notebook/types";
import { draftFromText } from "@/lib/workspace/draft";
import { readNotebook } from "@/lib/workspace/notebook-files";
import { isSlug } from "@/lib/workspace/slug";
import { NOTEBOOKS_DIR } from "../../notebooks";
import { NotebookWorkspace } from "../_workspace/NotebookWorkspace";

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
  const file = await readNotebook(NOTEBOOKS_DIR, slug);
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
  return <NotebookWorkspace slug={slug} initialText={file.text} initialHash={file.hash} initialDraft={draft.draft} />;
}
