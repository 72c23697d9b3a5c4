import { requireMember } from "@/app/_lib/page-session";
import { SettingsNav } from "@/app/catalog/_components/Nav";
import { ApiTokens } from "./ApiTokens";
import { ConcurrencyLimits } from "./ConcurrencyLimits";
import { ReviewPolicy } from "./ReviewPolicy";
import { BranchSync } from "./BranchSync";
import "@/app/runs/runs.css";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Settings · Assetbook" };

// Every member has settings of their own (API tokens); owners see more in each section.
export default async function SettingsPage() {
  const access = await requireMember("viewer", "/settings");
  const owner = access.principal.role === "owner";
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Settings</h1>
        <SettingsNav principal={access.principal} current="general" />
      </div>
      <ApiTokens owner={owner} />
      <ConcurrencyLimits owner={owner} />
      <ReviewPolicy owner={owner} />
      <BranchSync />
    </div>
  );
}
