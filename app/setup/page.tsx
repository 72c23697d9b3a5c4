import Link from "next/link";
import { connection } from "next/server";
import { hasOwner, isSetupTokenValid } from "@/lib/auth";
import { AuthForm } from "@/app/_auth/AuthForm";
import { appContext } from "@/app/_lib/server-context";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Set up · Assetbook" };

export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const token = (await searchParams).token;
  const { db, workspaceId } = await appContext();
  let body;
  if (await hasOwner(db, workspaceId)) {
    body = (
      <p className="empty">
        This workspace is already set up. <Link href="/login">Sign in</Link>.
      </p>
    );
  } else if (typeof token !== "string" || !(await isSetupTokenValid(db, workspaceId, token))) {
    body = <p className="error">This setup link is invalid or has expired. Restart the server to print a new one in its log.</p>;
  } else {
    body = (
      <>
        <p className="muted">Create the workspace owner. This link works once.</p>
        <AuthForm mode="setup" token={token} next="/catalog" />
      </>
    );
  }
  return (
    <section className="card" style={{ marginTop: "2rem", maxWidth: "28rem" }}>
      <h2>First-run setup</h2>
      {body}
    </section>
  );
}
