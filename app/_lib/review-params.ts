// The request shapes of the review routes, parsed once.
import { z } from "zod";
import { notebookSlugSchema } from "@/lib/workspace/slug";
import { WORKSPACE_FILE } from "@/lib/notebook/workspace-file";

export const reviewParams = z.object({ number: z.coerce.number().int().positive().max(1_000_000_000) });

export const proposeBody = z.object({
  title: z.string().trim().min(1, "a review needs a title").max(200),
  description: z.string().max(20_000).default(""),
  notebooks: z.array(notebookSlugSchema).min(1, "name at least one notebook").max(100),
});

export const reviseBody = z.object({ notebooks: z.array(notebookSlugSchema).max(100).optional() }).default({});

export const commentBody = z.object({
  body: z.string().trim().min(1, "a comment needs text").max(20_000),
  threadId: z.uuid().optional(),
  notebook: notebookSlugSchema.optional(),
  cell: z.string().min(1).max(200).optional(),
  line: z.number().int().positive().max(100_000).optional(),
});

export const decisionBody = z.object({ verdict: z.enum(["approved", "changes_requested"]), revision: z.number().int().positive() });

export const reviewFilterSchema = z.enum(["open", "mine", "waiting", "promoted", "all"]);

/** A git branch name as CI knows it (refs/heads/ dropped): no spaces, no control characters. */
export const branchSchema = z
  .string()
  .trim()
  .min(1)
  .max(250)
  .regex(/^[^\s~^:?*[\\\x00-\x1f\x7f]+$/, "not a git branch name")
  .transform((name) => name.replace(/^refs\/heads\//, ""));

export const branchBody = z.object({
  branch: branchSchema,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(20_000).default(""),
  // The workspace file (assetbook.yml) comes with the notebooks the branch changed.
  texts: z.array(z.object({ slug: z.union([notebookSlugSchema, z.literal(WORKSPACE_FILE)]), text: z.string().max(2_000_000).nullable() })).max(1000),
  commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, "a full commit hash").optional(),
});
