"use client";
// Build, Promote and Roll back: each posts to its route, then the page reloads its data.
import { useRouter } from "next/navigation";
import { useState } from "react";

async function post(url: string, body?: unknown): Promise<string | null> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  const answer: unknown = await response.json().catch(() => null);
  // A refusal is an answer too: `{ ok: false, reason }` (the lifecycle's routes).
  if (response.ok) return answer && typeof answer === "object" && "ok" in answer && answer.ok === false && "reason" in answer && typeof answer.reason === "string" ? answer.reason : null;
  return answer && typeof answer === "object" && "error" in answer && typeof answer.error === "string" ? answer.error : `failed (HTTP ${response.status})`;
}

function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (label: string, url: string, body?: unknown) => {
    setBusy(label);
    setError(null);
    const failed = await post(url, body).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    setBusy(null);
    if (failed !== null) setError(failed);
    router.refresh();
  };
  return { busy, error, act };
}

function ActionError({ error }: { error: string | null }) {
  return error ? (
    <span className="changes-error" role="alert">
      {error}
    </span>
  ) : null;
}

export function ChangesActions({ slug, canBuild, canPromote }: { slug: string; canBuild: boolean; canPromote: boolean }) {
  const { busy, error, act } = useAction();
  return (
    <div className="form-row changes-actions">
      <button type="button" className="btn" disabled={!canBuild || busy !== null} onClick={() => void act("Building…", `/api/notebooks/${slug}/changes/build`)}>
        {busy === "Building…" ? busy : "Build"}
      </button>
      <button
        type="button"
        className="btn btn--primary"
        disabled={!canPromote || busy !== null}
        title={canPromote ? "Production serves this build's versions and text, in one step" : "Build the current working copy first"}
        onClick={() => void act("Promoting…", `/api/notebooks/${slug}/changes/promote`)}
      >
        {busy === "Promoting…" ? busy : "Promote"}
      </button>
      <ActionError error={error} />
    </div>
  );
}

/** Points production back to what it served before promotion `to` (everything promoted since is undone too). */
export function RollbackButton({ to, label }: { to: string; label: string }) {
  const { busy, error, act } = useAction();
  return (
    <>
      {" "}
      <button
        type="button"
        className="btn btn--small"
        disabled={busy !== null}
        onClick={() => {
          if (label === "Roll back" || window.confirm(`${label}? Production serves what it served before that promotion; every promotion since is undone too.`)) void act("Rolling back…", "/api/lifecycle/rollback", { to });
        }}
      >
        {busy ?? label}
      </button>
      <ActionError error={error} />
    </>
  );
}
