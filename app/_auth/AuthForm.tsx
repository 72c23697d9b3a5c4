"use client";
// Sign-in, first-run setup and invite forms: JSON to the API, then on to `next`.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

const ENDPOINT: Record<Props["mode"], string> = { login: "/api/session", setup: "/api/setup", invite: "/api/invites" };
const SUBMIT: Record<Props["mode"], string> = { login: "Sign in", setup: "Create owner account", invite: "Create account and join" };

interface Props {
  mode: "login" | "setup" | "invite";
  token?: string;
  /** An invite bound to one address: the email field is filled in and fixed. */
  email?: string | null;
  next: string;
}

export function AuthForm({ mode, token, email, next }: Props) {
  const creating = mode !== "login";
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "");
    const body = creating ? { token, email: field("email"), name: field("name"), password: field("password") } : { email: field("email"), password: field("password") };
    const response = await fetch(ENDPOINT[mode], {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    setBusy(false);
    if (response.ok) {
      router.push(next);
      router.refresh();
      return;
    }
    const answer: unknown = await response.json().catch(() => null);
    setError(answer && typeof answer === "object" && "error" in answer && typeof answer.error === "string" ? answer.error : "something went wrong");
  }

  return (
    <form className="form" onSubmit={submit}>
      {creating ? (
        <label>
          Name
          <input name="name" required autoComplete="name" />
        </label>
      ) : null}
      <label>
        Email
        <input name="email" type="email" required autoComplete="email" defaultValue={email ?? undefined} readOnly={Boolean(email)} />
      </label>
      <label>
        Password
        <input name="password" type="password" required minLength={creating ? 10 : 1} autoComplete={creating ? "new-password" : "current-password"} />
      </label>
      <button className="btn btn--primary" type="submit" disabled={busy}>
        {SUBMIT[mode]}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
