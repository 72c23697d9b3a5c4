"use client";
// "Propose changes": the saved working copies of this notebook (and any other changed
// notebook ticked) become a review, with a title and a Markdown description; the review's
// environment is built on the workers. The notebook's open reviews are linked, and its
// saved working copy can be pushed to one of them as a new revision.
import { useRouter } from "next/navigation";
import { useState } from "react";

interface Props {
  slug: string;
  /** A viewer sees the open reviews, nothing to propose or push. */
  canPropose: boolean;
  /** Other notebooks whose saved working copy differs from production. */
  otherChanged: string[];
  openReviews: { number: number; title: string }[];
  /** Unsaved edits are not proposed: save first. */
  dirty: boolean;
  /** The saved working copy differs from production. */
  changed: boolean;
}

async function send(url: string, body: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, value: answer };
  return { ok: false, error: answer && typeof answer === "object" && "error" in answer && typeof answer.error === "string" ? answer.error : `failed (HTTP ${response.status})` };
}

export function ProposeChanges({ slug, canPropose, otherChanged, openReviews, dirty, changed }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState(`Update ${slug}`);
  const [description, setDescription] = useState("");
  const [others, setOthers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const blocked = dirty ? "Save first: a review proposes the saved working copy" : !changed && others.length === 0 ? "The saved working copy is the same as production" : null;

  const propose = async () => {
    setBusy(true);
    setError(null);
    const result = await send("/api/reviews", { title, description, notebooks: [slug, ...others] });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    const url = result.value && typeof result.value === "object" && "url" in result.value && typeof result.value.url === "string" ? result.value.url : "/reviews";
    router.push(url);
  };
  const push = async (number: number) => {
    setBusy(true);
    setError(null);
    const result = await send(`/api/reviews/${number}/revisions`, {});
    setBusy(false);
    if (!result.ok) return setError(result.error);
    router.push(`/reviews/${number}`);
  };

  return (
    <span className="nb-propose">
      {openReviews.map((review) => (
        <span key={review.number} className="nb-propose__review">
          <a href={`/reviews/${review.number}`} data-testid="open-review" title={review.title}>
            Review #{review.number}
          </a>
          {canPropose ? (
            <button type="button" className="nb-button" disabled={busy || dirty} title={dirty ? "Save first" : "Push the saved working copy to this review as a new revision"} onClick={() => void push(review.number)}>
              Push
            </button>
          ) : null}
        </span>
      ))}
      {canPropose ? (
        <button type="button" className="nb-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          Propose changes
        </button>
      ) : null}
      {error && !open ? (
        <span className="nb-save-error" role="alert">
          {error}
        </span>
      ) : null}
      {open ? (
        <form
          className="nb-propose__form"
          aria-label="Propose changes"
          onSubmit={(event) => {
            event.preventDefault();
            void propose();
          }}
        >
          <label>
            Title
            <input value={title} maxLength={200} onChange={(event) => setTitle(event.target.value)} />
          </label>
          <label>
            Description (Markdown)
            <textarea value={description} rows={4} placeholder="What changes, and why" onChange={(event) => setDescription(event.target.value)} />
          </label>
          {otherChanged.length > 0 ? (
            <fieldset>
              <legend>Also propose</legend>
              {otherChanged.map((other) => (
                <label key={other} className="nb-propose__other">
                  <input type="checkbox" checked={others.includes(other)} onChange={(event) => setOthers(event.target.checked ? [...others, other] : others.filter((o) => o !== other))} /> {other}
                </label>
              ))}
            </fieldset>
          ) : null}
          {blocked ? <p className="nb-propose__note">{blocked}</p> : null}
          {error ? (
            <p className="nb-save-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="nb-propose__buttons">
            <button type="submit" className="nb-button nb-button--primary" disabled={busy || blocked !== null || title.trim() === ""}>
              {busy ? "Proposing…" : "Propose"}
            </button>
            <button type="button" className="nb-button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </span>
  );
}
