// Shared bits of the lib/extract/http tests.
import { fetchPages, type FetchPagesOptions, type Page } from "./fetch-pages";
import type { RestRequestSpecInput } from "./spec";

export const noSecrets = (): undefined => undefined;

/** Sleeps nothing, records what was asked. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

export async function collectPages(
  spec: RestRequestSpecInput,
  options: Partial<FetchPagesOptions> = {},
): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of fetchPages(spec, { resolveSecret: noSecrets, sleep: async () => {}, ...options })) {
    pages.push(page);
  }
  return pages;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error("expected a rejection, but the promise resolved");
}
