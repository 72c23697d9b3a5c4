import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { roleAtLeast } from "@/lib/auth";
import { loadRun } from "@/app/_lib/run-data";
import { requireMember } from "@/app/_lib/page-session";
import { RunLive } from "../_components/RunLive";
import "@/app/catalog/catalog.css";
import "../runs.css";

export const metadata = { title: "Run · Assetbook" };

const params = z.object({ id: z.uuid() });

export default async function RunPage(props: { params: Promise<{ id: string }> }) {
  const parsed = params.safeParse(await props.params);
  if (!parsed.success) notFound();
  const { principal } = await requireMember("viewer", `/runs/${parsed.data.id}`);
  const run = await loadRun(parsed.data.id);
  if (run === null) notFound();
  return (
    <>
      <div className="wide">
        <div className="page-head">
          <h1>
            <Link href="/runs">Runs</Link> / <code>{run.id.slice(0, 8)}</code>
          </h1>
        </div>
      </div>
      <RunLive initial={run} canCancel={roleAtLeast(principal.role, "editor")} />
    </>
  );
}
