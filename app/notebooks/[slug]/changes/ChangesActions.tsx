"use client";
// Build, Promote and Roll back: each posts to its route, then the page reloads its data.
import { ActionError } from "@/app/components/ActionError";
import { useAction } from "@/app/components/use-action";


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
