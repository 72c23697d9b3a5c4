// GET: before "Run in production" of a selection, the notebook's assets it reads that were
// never materialized (the page offers to include them). `selection`: selectors, space-separated.
import { z } from "zod";
import { neverMaterializedInputs } from "@/lib/runs/missing-inputs";
import { notebookSlug } from "@/app/_lib/run-data";
import { route } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const query = z.object({ notebook: notebookSlug, selection: z.string().max(2000).default("") });

export const GET = route({ role: "editor", query }, async ({ query }) => {
  const { db, workspaceId } = await appContext();
  const selection = query.selection.split(/\s+/).filter((selector) => selector !== "");
  return { neverMaterialized: await neverMaterializedInputs(db, workspaceId, query.notebook, selection) };
});
