// POST: create a notebook from a title; answers with its slug.
import { z } from "zod";
import { notebooksDir } from "@/app/notebooks";
import { route } from "@/app/_lib/route";
import { createNotebook } from "@/lib/workspace/notebook-files";

const createBody = z.object({ title: z.string().trim().min(1).max(120).regex(/^[^\r\n]*$/, "one line") });

export const POST = route({ body: createBody, role: "editor" }, async ({ body }) => {
  const slug = await createNotebook(notebooksDir(), body.title);
  return Response.json({ slug, url: `/notebooks/${slug}` }, { status: 201 });
});
