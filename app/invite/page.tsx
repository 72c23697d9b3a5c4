import Link from "next/link";
import { connection } from "next/server";
import { openInvite } from "@/lib/auth";
import { AuthForm } from "@/app/_auth/AuthForm";
import { appContext } from "@/app/_lib/server-context";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Join · Assetbook" };

// Opened from an owner's one-time invite link: create an account and join with its role.
export default async function InvitePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const token = (await searchParams).token;
  const { db, workspaceId } = await appContext();
  const invite = typeof token === "string" ? await openInvite(db, workspaceId, token) : null;
  return (
    <section className="card" style={{ marginTop: "2rem", maxWidth: "28rem" }}>
      <h2>Join the workspace</h2>
      {invite === null || typeof token !== "string" ? (
        <p className="error">
          This invite link is invalid, expired, revoked or already used. Ask an owner for a new one, or <Link href="/login">sign in</Link>.
        </p>
      ) : (
        <>
          <p className="muted">
            You are invited as {invite.role === "viewer" ? "a" : "an"} <strong>{invite.role}</strong>
            {invite.email ? ` (${invite.email})` : ""}. Create your account; this link works once.
          </p>
          <AuthForm mode="invite" token={token} email={invite.email} next="/" />
        </>
      )}
    </section>
  );
}
