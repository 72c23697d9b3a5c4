import { AuthForm } from "@/app/_auth/AuthForm";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Sign in · Assetbook" };

/** Only same-site paths: never an open redirect. */
function safeNext(value: string | string[] | undefined): string {
  return typeof value === "string" && /^\/(?!\/)[^\\]*$/.test(value) ? value : "/catalog";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  return (
    <section className="card" style={{ marginTop: "2rem", maxWidth: "28rem" }}>
      <h2>Sign in</h2>
      <AuthForm mode="login" next={next} />
    </section>
  );
}
