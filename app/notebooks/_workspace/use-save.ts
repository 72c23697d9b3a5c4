"use client";
// Saving the notebook: PUT with the hash it was read with. A 409 is a conflict the
// user resolves explicitly (reload theirs, or overwrite); nothing is overwritten silently.
import { useCallback, useState } from "react";
import { z } from "zod";

const saved = z.object({ hash: z.string(), text: z.string() });
const conflict = z.object({ conflict: z.object({ currentText: z.string().nullable(), currentHash: z.string().nullable() }) });
const failure = z.object({ error: z.string().optional(), issues: z.array(z.object({ line: z.number(), message: z.string() })).optional() });

export interface Conflict {
  currentText: string | null;
  currentHash: string | null;
}

export type SaveStatus = { state: "idle" } | { state: "saving" } | { state: "saved"; at: number } | { state: "error"; message: string };

export interface Saver {
  hash: string | null;
  savedText: string;
  status: SaveStatus;
  conflict: Conflict | undefined;
  save: (text: string) => Promise<void>;
  overwrite: (text: string) => Promise<void>;
  /** Accepts the file as it is on disk now (after "reload theirs"). */
  accept: (text: string, hash: string | null) => void;
}

export function useSave(slug: string, initialText: string, initialHash: string): Saver {
  const [hash, setHash] = useState<string | null>(initialHash);
  const [savedText, setSavedText] = useState(initialText);
  const [status, setStatus] = useState<SaveStatus>({ state: "idle" });
  const [conflictState, setConflict] = useState<Conflict>();

  const put = useCallback(
    async (text: string, expectedHash: string | null) => {
      setStatus({ state: "saving" });
      try {
        const response = await fetch(`/api/notebooks/${slug}`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text, expectedHash }),
        });
        const body: unknown = await response.json().catch(() => ({}));
        const ok = saved.safeParse(body);
        if (response.ok && ok.success) {
          setHash(ok.data.hash);
          setSavedText(ok.data.text);
          setConflict(undefined);
          setStatus({ state: "saved", at: Date.now() });
          return;
        }
        const clash = conflict.safeParse(body);
        if (response.status === 409 && clash.success) {
          setConflict(clash.data.conflict);
          setStatus({ state: "idle" });
          return;
        }
        const failed = failure.safeParse(body);
        const issues = failed.success ? (failed.data.issues ?? []).map((i) => `line ${i.line}: ${i.message}`) : [];
        const message = [failed.success ? failed.data.error : undefined, ...issues].filter(Boolean).join("; ");
        setStatus({ state: "error", message: message || `save failed (HTTP ${response.status})` });
      } catch (error) {
        setStatus({ state: "error", message: error instanceof Error ? error.message : String(error) });
      }
    },
    [slug],
  );

  const save = useCallback((text: string) => put(text, hash), [put, hash]);
  const overwrite = useCallback((text: string) => put(text, conflictState ? conflictState.currentHash : hash), [put, conflictState, hash]);
  const accept = useCallback((text: string, next: string | null) => {
    setHash(next);
    setSavedText(text);
    setConflict(undefined);
    setStatus({ state: "idle" });
  }, []);

  return { hash, savedText, status, conflict: conflictState, save, overwrite, accept };
}
