// GET: a notebook's text and hash. PUT: save it, only over the version it was read from;
// text that cannot be a notebook (an unclosed fence, a NUL character, over the size limit)
// is 422 with its issues, and nothing is written.
import { z } from "zod";
import { notebooksDir } from "@/app/notebooks";
import { route } from "@/app/_lib/route";
import { readNotebook, saveNotebook } from "@/lib/workspace/notebook-files";
import { isSlug } from "@/lib/workspace/slug";

const params = z.object({ slug: z.string().refine(isSlug, "not a notebook slug") });

export const GET = route({ params }, async ({ params: { slug } }) => {
  const file = await readNotebook(notebooksDir(), slug);
  if (!file) return Response.json({ error: `notebook "${slug}" not found` }, { status: 404 });
  return Response.json(file);
});

const saveBody = z.object({
  text: z.string().max(2_000_000),
  /** The hash the client read; null to create a notebook that must not exist yet. */
  expectedHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
});

export const PUT = route({ params, body: saveBody, role: "editor" }, async ({ params: { slug }, body }) => {
  const result = await saveNotebook(notebooksDir(), slug, body.text, body.expectedHash);
  if (result.ok) return Response.json({ hash: result.hash, text: result.text });
  if ("conflict" in result) return Response.json({ error: "the notebook changed on disk since it was opened", conflict: result.conflict }, { status: 409 });
  return Response.json({ error: "the notebook cannot be read", issues: result.issues }, { status: 422 });
});
