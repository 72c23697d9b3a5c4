"use client";
// "Run in production": triggers a run of the notebook and opens its run page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { createdAnswer, errorAnswer } from "./schemas";

export function RunButton({ notebook, selection }: { notebook: string; selection?: string[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    const response = await fetch("/api/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ notebook, ...(selection ? { selection } : {}) }) });
    const body: unknown = await response.json().catch(() => null);
    const created = createdAnswer.safeParse(body);
    if (response.ok && created.success) {
      router.push(`/runs/${created.data.id}`);
      return;
    }
    setBusy(false);
    const failed = errorAnswer.safeParse(body);
    setError(failed.success ? failed.data.error : "could not start the run");
  }

  return (
    <span className="run-button">
      <button type="button" className="btn btn--primary" onClick={run} disabled={busy} data-testid="run-in-production">
        {busy ? "Starting…" : "Run in production"}
      </button>
      {error ? (
        <span role="alert" className="muted">
          {error}
        </span>
      ) : null}
    </span>
  );
}
