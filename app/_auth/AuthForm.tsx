"use client";
// Sign-in and first-run setup forms: JSON to the API, then on to `next`.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

interface Props {
  mode: "login" | "setup";
  token?: string;
  next: string;
}

export function AuthForm({ mode, token, next }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "");
    const body = mode === "setup" ? { token, email: field("email"), name: field("name"), password: field("password") } : { email: field("email"), password: field("password") };
    const response = await fetch(mode === "setup" ? "/api/setup" : "/api/session", {
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
      {mode === "setup" ? (
        <label>
          Name
          <input name="name" required autoComplete="name" />
        </label>
      ) : null}
      <label>
        Email
        <input name="email" type="email" required autoComplete="email" />
      </label>
      <label>
        Password
        <input name="password" type="password" required minLength={mode === "setup" ? 10 : 1} autoComplete={mode === "setup" ? "new-password" : "current-password"} />
      </label>
      <button className="btn btn--primary" type="submit" disabled={busy}>
        {mode === "setup" ? "Create owner account" : "Sign in"}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
