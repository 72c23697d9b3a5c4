"use client";
// One way for a page's buttons to send an action: POST (or another method) JSON to a route,
// the answer null when done or the reason it was refused (an error body, or a lifecycle
// refusal `{ ok: false, reason }`), then the page reloads its server data.
import { useRouter } from "next/navigation";
import { useState } from "react";

export async function postJson(url: string, body: unknown = {}, method = "POST"): Promise<string | null> {
  try {
    const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const answer: unknown = await response.json().catch(() => null);
    if (response.ok) return answer && typeof answer === "object" && "ok" in answer && answer.ok === false && "reason" in answer && typeof answer.reason === "string" ? answer.reason : null;
    return answer && typeof answer === "object" && "error" in answer && typeof answer.error === "string" ? answer.error : `failed (HTTP ${response.status})`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `act(label, url, body, method)`: `busy` holds the label while it runs, `error` the refusal; true when done. */
export function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (label: string, url: string, body?: unknown, method = "POST"): Promise<boolean> => {
    setBusy(label);
    setError(null);
    const failed = await postJson(url, body, method);
    setBusy(null);
    if (failed !== null) setError(failed);
    router.refresh();
    return failed === null;
  };
  return { busy, error, act };
}
