"use client";
// Creates a notebook from a title (POST /api/notebooks), then opens it.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import "./new-notebook.css";

const created = z.object({ slug: z.string(), url: z.string() });
const failed = z.object({ error: z.string() });

export function NewNotebookForm() {
  const router = useRouter();
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch("/api/notebooks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title }),
      });
      const body: unknown = await response.json().catch(() => ({}));
      const ok = created.safeParse(body);
      if (response.ok && ok.success) {
        router.push(ok.data.url);
        return;
      }
      const bad = failed.safeParse(body);
      setError(bad.success ? bad.data.error : `could not create the notebook (HTTP ${response.status})`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setBusy(false);
  }

  return (
    <form className="new-notebook" onSubmit={submit} aria-label="New notebook">
      <input
        name="title"
        aria-label="Title of the new notebook"
        placeholder="Title of a new notebook"
        value={title}
        maxLength={120}
        required
        onChange={(e) => setTitle(e.target.value)}
      />
      <button type="submit" className="nb-button nb-button--primary" disabled={busy || title.trim() === ""}>
        New notebook
      </button>
      {error && (
        <p className="new-notebook__error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
