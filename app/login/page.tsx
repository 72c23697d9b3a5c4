import { AuthForm } from "@/app/_auth/AuthForm";
import { safeRedirectPath } from "@/lib/auth/redirect";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Sign in · Assetbook" };

/** Only same-origin paths (lib/auth/redirect.ts): never an open redirect. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeRedirectPath((await searchParams).next, "/catalog");
  return (
    <section className="card" style={{ marginTop: "2rem", maxWidth: "28rem" }}>
      <h2>Sign in</h2>
      <AuthForm mode="login" next={next} />
    </section>
  );
}
