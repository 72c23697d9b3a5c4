"use client";
// The review policy: approvals a review needs, and whether production changes only through
// approved reviews. Owners change it; everyone sees what is in force.
import { useEffect, useState } from "react";
import { z } from "zod";

const answer = z.object({
  settings: z.object({ approvals: z.number().nullable(), required: z.boolean().nullable() }),
  policy: z.object({ approvals: z.number(), required: z.boolean() }),
  members: z.number(),
});
type Answer = z.infer<typeof answer>;

export function ReviewPolicy({ owner }: { owner: boolean }) {
  const [state, setState] = useState<Answer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void fetch("/api/settings/reviews")
      .then((response) => response.json())
      .then((json: unknown) => setState(answer.parse(json)))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  const save = async (settings: Answer["settings"]) => {
    setError(null);
    setSaved(false);
    const response = await fetch("/api/settings/reviews", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(settings) });
    const json: unknown = await response.json().catch(() => null);
    const parsed = answer.safeParse(json);
    if (response.ok && parsed.success) {
      setState(parsed.data);
      setSaved(true);
    } else setError(json && typeof json === "object" && "error" in json && typeof json.error === "string" ? json.error : `failed (HTTP ${response.status})`);
  };
  return (
    <section className="card" data-testid="review-policy">
      <h2>Reviews</h2>
      {state === null ? (
        <p className="muted">{error ?? "Loading…"}</p>
      ) : (
        <>
          <p className="muted">
            In force: {state.policy.approvals} approval{state.policy.approvals === 1 ? "" : "s"} per review; promotion {state.policy.required ? "requires an approved review (the plain Promote is closed)" : "is also open outside reviews"}. Defaults follow the number of members ({state.members}).
          </p>
          {owner ? (
            <form
              className="form-row"
              onSubmit={(event) => {
                event.preventDefault();
                const data = new FormData(event.currentTarget);
                const approvals = String(data.get("approvals") ?? "");
                const required = String(data.get("required") ?? "");
                void save({ approvals: approvals === "" ? null : Number(approvals), required: required === "" ? null : required === "on" });
              }}
            >
              <label>
                Approvals required{" "}
                <select name="approvals" defaultValue={state.settings.approvals ?? ""}>
                  <option value="">default ({state.members > 1 ? 1 : 0})</option>
                  {[0, 1, 2, 3].map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Promotion requires an approved review{" "}
                <select name="required" defaultValue={state.settings.required === null ? "" : state.settings.required ? "on" : "off"}>
                  <option value="">default ({state.members > 1 ? "on" : "off"})</option>
                  <option value="on">on</option>
                  <option value="off">off</option>
                </select>
              </label>
              <button type="submit" className="btn">
                Save
              </button>
              {saved ? <span className="muted">Saved.</span> : null}
              {error ? (
                <span className="changes-error" role="alert">
                  {error}
                </span>
              ) : null}
            </form>
          ) : null}
        </>
      )}
    </section>
  );
}
