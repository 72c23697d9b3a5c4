"use client";
// Creates a read-only share link for this page (editors and owners), with an optional
// expiry and whether sample rows may be seen. The link is shown once.
import { useState } from "react";
import { CopyButton } from "@/app/components/CopyButton";

type Target = { target: "catalog" } | { target: "lineage" } | { target: "asset"; asset: string };

export function ShareButton(props: Target) {
  const [open, setOpen] = useState(false);
  const [hours, setHours] = useState("");
  const [samples, setSamples] = useState(false);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function create() {
    setError(null);
    const expiresInHours = hours === "" ? undefined : Number(hours);
    const response = await fetch("/api/share-links", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...props, allowSamples: samples, ...(expiresInHours ? { expiresInHours } : {}) }),
    });
    const body: unknown = await response.json();
    if (response.ok && typeof body === "object" && body !== null && "url" in body && typeof body.url === "string") {
      setUrl(new URL(body.url, window.location.origin).toString());
    } else {
      setError(typeof body === "object" && body !== null && "error" in body && typeof body.error === "string" ? body.error : "could not create the link");
    }
  }

  if (!open) {
    return (
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="share-open">
        Share…
      </button>
    );
  }
  return (
    <div className="share-panel" data-testid="share-panel">
      <div className="form-row">
        <label className="form">
          Expires after (hours, empty: never)
          <input type="number" min="1" value={hours} onChange={(e) => setHours(e.target.value)} aria-label="expiry in hours" />
        </label>
        {props.target === "asset" ? (
          <label>
            <input type="checkbox" checked={samples} onChange={(e) => setSamples(e.target.checked)} /> allow sample rows
          </label>
        ) : null}
        <button type="button" className="btn btn--primary" onClick={create} data-testid="share-create">
          Create read-only link
        </button>
      </div>
      {url ? (
        <p className="notice">
          Anyone with this link can read this page (shown once): <code data-testid="share-url">{url}</code> <CopyButton text={url} testId="share-copy" />
        </p>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
    </div>
  );
}
