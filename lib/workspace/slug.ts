// Notebook slugs: the file name of `notebooks/<slug>.md` without the extension.
import { z } from "zod";

// One rule for every host (editor, catalog, runs, CLI): `daily_sales` is a notebook everywhere.
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
export const SLUG_RULE = 'lowercase letters, digits, "-" and "_", starting with a letter or digit';
export const SLUG_MAX_LENGTH = 64;

export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value) && value.length <= SLUG_MAX_LENGTH;
}

export class InvalidSlugError extends Error {
  constructor(readonly slug: string) {
    super(`invalid notebook slug "${slug}": ${SLUG_RULE}`);
    this.name = "InvalidSlugError";
  }
}

export function assertSlug(slug: string): void {
  if (!isSlug(slug)) throw new InvalidSlugError(slug);
}

/** A slug for a title: ASCII lower case, words joined by "-"; "notebook" when nothing is left. */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX_LENGTH - 4)
    .replace(/-+$/, "");
  return slug === "" ? "notebook" : slug;
}

/** A notebook slug at an edge (an HTTP body, a job payload, a command-line argument). */
export const notebookSlugSchema = z.string().refine(isSlug, { message: `a notebook slug is ${SLUG_RULE}` });
