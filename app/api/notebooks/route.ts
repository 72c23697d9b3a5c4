// POST: create a notebook from a title; answers with its slug. A title the notebook
// cannot hold (a NUL or other control character) is 422 and creates nothing.
import { z } from "zod";
import { notebooksDir } from "@/app/notebooks";
import { route, RouteError } from "@/app/_lib/route";
import { createNotebook, InvalidTitleError } from "@/lib/workspace/notebook-files";

const createBody = z.object({ title: z.string().trim().min(1).max(120).regex(/^[^\r\n]*$/, "one line") });

export const POST = route({ body: createBody, role: "editor" }, async ({ body }) => {
  try {
    const slug = await createNotebook(notebooksDir(), body.title);
    return Response.json({ slug, url: `/notebooks/${slug}` }, { status: 201 });
  } catch (error) {
    if (error instanceof InvalidTitleError) throw new RouteError(422, error.message, { fields: { "body.title": [error.message] } });
    throw error;
  }
});
