"use client";
// Copies a text shown once (a token, a link) to the clipboard; "Copied" when done. Nothing
// where the page has no clipboard (an insecure origin), nor in the server render.
import { useState, useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;

export function CopyButton({ text, testId }: { text: string; testId?: string }) {
  const available = useSyncExternalStore(noSubscription, () => navigator.clipboard !== undefined, () => false);
  // The text that was copied: a new text shows "Copy" again.
  const [copied, setCopied] = useState<string | null>(null);
  if (!available) return null;
  return (
    <button
      type="button"
      className="btn"
      data-testid={testId}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => setCopied(text),
          () => setCopied(null),
        )
      }
    >
      {copied === text ? "Copied" : "Copy"}
    </button>
  );
}
