// Sends a review action; the answer is null when it was done, else the reason it was refused
// (an error body, or a lifecycle refusal `{ ok: false, reason }`).
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
