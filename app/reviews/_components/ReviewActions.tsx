"use client";
// A review's buttons: approve or request changes, push the working copy as a new revision,
// promote (when the rules allow; otherwise what is missing, with Rebuild where it helps),
// abandon, and a read-only share link. Each posts, then the page reloads its data; while
// the build runs the page reloads itself every second and a half.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { Missing } from "@/lib/reviews/rules";
import { ActionError } from "@/app/components/ActionError";
import { postJson, useAction } from "@/app/components/use-action";

export function BuildPoller({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(timer);
  }, [active, router]);
  return null;
}


export interface ReviewPermissions {
  decide: boolean;
  promote: boolean;
  propose: boolean;
  share: boolean;
  isAuthor: boolean;
}

export function ReviewActions(props: { number: number; revision: number; open: boolean; gate: { ok: true } | { ok: false; missing: Missing[] }; can: ReviewPermissions }) {
  const { busy, error, act } = useAction();
  const base = `/api/reviews/${props.number}`;
  const rebuild = !props.gate.ok && props.gate.missing.some((m) => (m.kind === "build" || m.kind === "production_moved") && m.rebuild);
  if (!props.open) return null;
  return (
    <div className="review-actions" data-testid="review-actions">
      {props.gate.ok ? (
        <p className="review-gate review-gate--ok" data-testid="gate">
          Ready to promote: approved, built, and production has not moved.
        </p>
      ) : (
        <ul className="review-gate" data-testid="gate">
          {props.gate.missing.map((m) => (
            <li key={m.kind} data-missing={m.kind}>
              {m.message}
            </li>
          ))}
        </ul>
      )}
      <div className="form-row">
        {props.can.decide && !props.can.isAuthor ? (
          <>
            <button type="button" className="btn" disabled={busy !== null} onClick={() => void act("approve", `${base}/decision`, { verdict: "approved", revision: props.revision })}>
              {busy === "approve" ? "Approving…" : "Approve"}
            </button>
            <button type="button" className="btn" disabled={busy !== null} onClick={() => void act("changes", `${base}/decision`, { verdict: "changes_requested", revision: props.revision })}>
              {busy === "changes" ? "Sending…" : "Request changes"}
            </button>
          </>
        ) : null}
        {props.can.promote ? (
          <button type="button" className="btn btn--primary" disabled={!props.gate.ok || busy !== null} onClick={() => void act("promote", `${base}/promote`)}>
            {busy === "promote" ? "Promoting…" : "Promote"}
          </button>
        ) : null}
        {props.can.propose && rebuild ? (
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void act("rebuild", `${base}/rebuild`)}>
            {busy === "rebuild" ? "Queuing…" : "Rebuild"}
          </button>
        ) : null}
        {props.can.propose ? (
          <button type="button" className="btn" disabled={busy !== null} title="Plans and builds the notebooks' saved working copies as the next revision" onClick={() => void act("push", `${base}/revisions`)}>
            {busy === "push" ? "Pushing…" : "Push working copy"}
          </button>
        ) : null}
        {props.can.propose ? (
          <button
            type="button"
            className="btn btn--danger"
            disabled={busy !== null}
            onClick={() => {
              if (window.confirm("Abandon this review? Its environment is dropped.")) void act("abandon", `${base}/abandon`);
            }}
          >
            Abandon
          </button>
        ) : null}
      </div>
      <ActionError error={error} />
    </div>
  );
}

/** Creates a read-only link to the review (shown once). */
export function ShareReview({ number }: { number: number }) {
  const [url, setUrl] = useState<string | null>(null);
  const [samples, setSamples] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setError(null);
    const response = await fetch("/api/share-links", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ target: "review", review: number, allowSamples: samples, expiresInHours: 24 * 14 }) });
    const answer: unknown = await response.json().catch(() => null);
    if (response.ok && answer && typeof answer === "object" && "url" in answer && typeof answer.url === "string") setUrl(new URL(answer.url, window.location.origin).toString());
    else setError(answer && typeof answer === "object" && "error" in answer && typeof answer.error === "string" ? answer.error : `failed (HTTP ${response.status})`);
  };
  return (
    <div className="review-share">
      <label className="muted">
        <input type="checkbox" checked={samples} onChange={(event) => setSamples(event.target.checked)} /> include sample rows
      </label>{" "}
      <button type="button" className="btn btn--small" onClick={() => void create()}>
        Share read-only
      </button>
      {url ? (
        <p className="muted">
          Valid 14 days, shown once: <input className="review-share__url" readOnly value={url} data-testid="review-share-url" onFocus={(event) => event.target.select()} />
        </p>
      ) : null}
      <ActionError error={error} />
    </div>
  );
}

export function ResolveButton({ number, threadId, resolved }: { number: number; threadId: string; resolved: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn btn--small"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await postJson(`/api/reviews/${number}/comments/${threadId}`, { resolved: !resolved }, "PATCH");
        setBusy(false);
        router.refresh();
      }}
    >
      {resolved ? "Reopen" : "Resolve"}
    </button>
  );
}
