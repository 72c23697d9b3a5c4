"use client";
// The members page's actions: a role select and Remove per member (the last owner's are
// disabled, and the server refuses them too), the invite form with its one-time link, and
// revoking a pending invite.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { ActionError } from "@/app/components/ActionError";
import { CopyButton } from "@/app/components/CopyButton";
import { useAction } from "@/app/components/use-action";

const ROLES = ["viewer", "editor", "owner"] as const;
type Role = (typeof ROLES)[number];
const isRole = (value: string): value is Role => ROLES.some((role) => role === value);

export function MemberControls({ userId, email, role, lastOwner }: { userId: string; email: string; role: Role; lastOwner: boolean }) {
  const { busy: action, error, act } = useAction();
  const busy = action !== null;
  const send = (method: "PATCH" | "DELETE", body: unknown) => act(method, `/api/members/${encodeURIComponent(userId)}`, body, method);
  const why = lastOwner ? "the last owner: make another member an owner first" : undefined;
  return (
    <>
      <td>
        <select
          aria-label={`role of ${email}`}
          value={role}
          disabled={busy || lastOwner}
          title={why}
          onChange={(event) => {
            const next = event.target.value;
            if (isRole(next)) void send("PATCH", { role: next });
          }}
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </td>
      <td>
        <button
          type="button"
          className="btn btn--danger"
          disabled={busy || lastOwner}
          title={why}
          onClick={() => {
            if (window.confirm(`Remove ${email}? They are signed out at once and their API tokens stop working.`)) void send("DELETE", {});
          }}
        >
          Remove
        </button>
        <ActionError error={error} />
      </td>
    </>
  );
}

const invited = z.object({ path: z.string() });

export function InviteForm() {
  const router = useRouter();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const email = String(form.get("email") ?? "").trim();
    setBusy(true);
    setError(null);
    setLink(null);
    const response = await fetch("/api/members/invites", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ role: String(form.get("role") ?? "viewer"), ...(email ? { email } : {}) }),
    }).catch(() => null);
    setBusy(false);
    const answer: unknown = await response?.json().catch(() => null);
    const parsed = invited.safeParse(answer);
    if (!response?.ok || !parsed.success) {
      const reason = z.object({ error: z.string() }).safeParse(answer);
      return setError(reason.success ? reason.data.error : "could not create the invite");
    }
    formElement.reset();
    setLink(new URL(parsed.data.path, window.location.origin).toString());
    router.refresh();
  }

  return (
    <>
      <form className="form-row" onSubmit={submit}>
        <label className="form">
          Email (optional: only this address can accept)
          <input name="email" type="email" maxLength={254} placeholder="ada@example.com" aria-label="invitee email" />
        </label>
        <label className="form">
          Role
          <select name="role" defaultValue="editor" aria-label="invitee role">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button className="btn btn--primary" type="submit" disabled={busy} data-testid="create-invite">
          Create invite link
        </button>
      </form>
      {link ? (
        <p className="notice" data-testid="invite-notice">
          Send this link; it is shown once: <code data-testid="invite-link">{link}</code> <CopyButton text={link} testId="copy-invite" />
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

export function InviteRevoke({ id }: { id: string }) {
  const { busy, error, act } = useAction();
  return (
    <>
      <button type="button" className="btn" disabled={busy !== null} onClick={() => void act("revoke", `/api/members/invites/${id}`, {}, "DELETE")}>
        Revoke
      </button>
      <ActionError error={error} />
    </>
  );
}
