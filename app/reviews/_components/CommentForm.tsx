"use client";
// Writes a comment: on the review, a cell, a line of a cell (chosen from the cell's lines or
// by clicking a line number), or a reply to a thread. The page reloads its data after.
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { postJson } from "@/app/components/use-action";

export interface CommentTarget {
  notebook?: string;
  cell?: string;
  threadId?: string;
}

export function CommentForm(props: { reviewNumber: number; target: CommentTarget; label: string; lines?: string[]; line?: number | null; onLine?: (line: number | null) => void; compact?: boolean }) {
  const router = useRouter();
  const id = useId();
  // The review's own comment box stays open; a cell's or a reply's opens on demand.
  const alwaysOpen = !props.compact && props.lines === undefined;
  const [open, setOpen] = useState(alwaysOpen);
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const line = props.line ?? null;
  const shown = open || line !== null;

  if (!shown) {
    return (
      <button type="button" className="btn btn--small review-comment-open" onClick={() => setOpen(true)}>
        {props.label}
      </button>
    );
  }
  const submit = async () => {
    setBusy(true);
    setError(null);
    const failed = await postJson(`/api/reviews/${props.reviewNumber}/comments`, { body, ...props.target, ...(line !== null ? { line } : {}) });
    setBusy(false);
    if (failed !== null) return setError(failed);
    setBody("");
    props.onLine?.(null);
    setOpen(alwaysOpen);
    router.refresh();
  };
  return (
    <form
      className="review-comment-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {props.lines ? (
        <label className="review-comment-line" htmlFor={`${id}-line`}>
          On{" "}
          <select id={`${id}-line`} aria-label="Line" value={line ?? ""} onChange={(event) => props.onLine?.(event.target.value === "" ? null : Number(event.target.value))}>
            <option value="">the whole cell</option>
            {props.lines.map((text, index) => (
              <option key={index} value={index + 1}>
                line {index + 1}: {text.trim().slice(0, 60) || "(blank)"}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <textarea aria-label={props.label} value={body} rows={props.compact ? 2 : 3} placeholder="Write a comment (Markdown)" onChange={(event) => setBody(event.target.value)} />
      <div className="form-row">
        <button type="submit" className="btn btn--small btn--primary" disabled={busy || body.trim() === ""}>
          {busy ? "Sending…" : props.target.threadId ? "Reply" : "Comment"}
        </button>
        {alwaysOpen ? null : (
          <button
            type="button"
            className="btn btn--small"
            onClick={() => {
              setOpen(false);
              props.onLine?.(null);
            }}
          >
            Cancel
          </button>
        )}
        {error ? (
          <span className="changes-error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
