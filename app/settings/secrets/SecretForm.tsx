"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

export function SecretForm() {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const response = await fetch("/api/secrets", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: String(form.get("name") ?? ""), value: String(form.get("value") ?? "") }),
    });
    const answer: unknown = await response.json().catch(() => null);
    if (response.ok) {
      formElement.reset();
      setMessage("Saved.");
      router.refresh();
    } else setMessage(answer && typeof answer === "object" && "error" in answer && typeof answer.error === "string" ? answer.error : "could not save");
  }
  return (
    <form className="form-row" onSubmit={submit}>
      <label className="form">
        Name
        <input name="name" required pattern="[A-Za-z_][A-Za-z0-9_]*" placeholder="FITNESS_TOKEN" />
      </label>
      <label className="form">
        Value
        <input name="value" type="password" required autoComplete="off" />
      </label>
      <button className="btn btn--primary" type="submit">
        Set secret
      </button>
      {message ? <span className="muted">{message}</span> : null}
    </form>
  );
}
