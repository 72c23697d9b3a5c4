"use client";
// "Run in production": triggers a run of the notebook — on an asset page, of the asset alone,
// with its upstream, with its downstream, or the whole notebook; in one partition when the
// notebook is partitioned; with the run parameters the notebook declares, each prefilled
// with its default and checked on the server — and opens its run page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ParamDef } from "@/lib/notebook/params";
import { createdAnswer, errorAnswer, inputsAnswer } from "./schemas";

const SCOPES = ["asset", "upstream", "downstream", "notebook"] as const;
type Scope = (typeof SCOPES)[number];

const SCOPE_LABELS: Record<Scope, string> = {
  asset: "this asset",
  upstream: "with upstream",
  downstream: "with downstream",
  notebook: "whole notebook",
};

function isScope(value: string): value is Scope {
  return SCOPES.some((s) => s === value);
}

/** The run's selection: selectors as the planner reads them (`+name`, `name+`). */
function selectionOf(scope: Scope, asset: string | undefined): string[] | undefined {
  if (asset === undefined) return undefined;
  switch (scope) {
    case "asset":
      return [asset];
    case "upstream":
      return [`+${asset}`];
    case "downstream":
      return [`${asset}+`];
    case "notebook":
      return undefined;
    default: {
      const unreachable: never = scope;
      throw new Error(`unknown scope ${String(unreachable)}`);
    }
  }
}

function ParamInput({ name, def, value, onChange }: { name: string; def: ParamDef; value: string; onChange: (value: string) => void }) {
  const label = `Parameter ${name}`;
  const title = [def.description, def.min !== undefined ? `min ${String(def.min)}` : "", def.max !== undefined ? `max ${String(def.max)}` : ""].filter(Boolean).join(" · ") || undefined;
  if (def.values !== undefined || def.type === "boolean") {
    const options = def.values?.map(String) ?? ["true", "false"];
    return (
      <select aria-label={label} title={title} value={value} onChange={(e) => onChange(e.target.value)} data-testid={`run-param-${name}`}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  const type = def.type === "integer" || def.type === "number" ? "number" : def.type === "date" ? "date" : "text";
  return <input aria-label={label} title={title} type={type} step={def.type === "integer" ? 1 : "any"} value={value} placeholder={name} onChange={(e) => onChange(e.target.value)} data-testid={`run-param-${name}`} style={{ width: type === "text" ? "9rem" : "7rem" }} />;
}

export function RunButton({ notebook, asset, partitionKeys, params = {} }: { notebook: string; asset?: string; partitionKeys?: string[]; params?: Record<string, ParamDef> }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(params).map(([name, def]) => [name, def.default === undefined ? "" : String(def.default)])));
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [scope, setScope] = useState<Scope>(asset === undefined ? "notebook" : "downstream");
  const [partition, setPartition] = useState(partitionKeys?.at(-1) ?? "");

  /** Never-materialized inputs of the chosen selection, shown before the run: include them, or run as chosen. */
  const [missing, setMissing] = useState<string[] | null>(null);

  async function start() {
    setError(null);
    const selection = selectionOf(scope, asset);
    if (selection !== undefined) {
      setBusy(true);
      const params = new URLSearchParams({ notebook, selection: selection.join(" ") });
      const answer = inputsAnswer.safeParse(await fetch(`/api/runs/inputs?${params.toString()}`).then((r) => r.json()).catch(() => null));
      setBusy(false);
      if (answer.success && answer.data.neverMaterialized.length > 0) {
        setMissing(answer.data.neverMaterialized);
        return;
      }
    }
    await run(selection);
  }

  async function run(selection: string[] | undefined) {
    setBusy(true);
    setError(null);
    setMissing(null);
    const given = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ""));
    const request = { notebook, ...(selection ? { selection } : {}), ...(partitionKeys && partition ? { partition } : {}), ...(Object.keys(given).length > 0 ? { params: given } : {}) };
    const response = await fetch("/api/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    const body: unknown = await response.json().catch(() => null);
    const created = createdAnswer.safeParse(body);
    if (response.ok && created.success) {
      router.push(`/runs/${created.data.id}`);
      return;
    }
    setBusy(false);
    const failed = errorAnswer.safeParse(body);
    setError(failed.success ? failed.data.error : "could not start the run");
  }

  return (
    <span className="run-button">
      {asset !== undefined ? (
        <select
          aria-label="What to materialize"
          value={scope}
          onChange={(e) => {
            if (!isScope(e.target.value)) return;
            setScope(e.target.value);
            // The named inputs were those of the scope before.
            setMissing(null);
          }}
          data-testid="run-scope"
        >
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {SCOPE_LABELS[s]}
            </option>
          ))}
        </select>
      ) : null}
      {partitionKeys && partitionKeys.length > 0 ? (
        <select
          aria-label="Partition"
          value={partition}
          onChange={(e) => {
            setPartition(e.target.value);
            setMissing(null);
          }}
          data-testid="run-partition"
        >
          {partitionKeys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      ) : null}
      {Object.entries(params).map(([name, def]) => (
        <label key={name} className="run-button__param">
          <span className="muted">{name}</span>
          <ParamInput name={name} def={def} value={values[name] ?? ""} onChange={(value) => setValues((current) => ({ ...current, [name]: value }))} />
        </label>
      ))}
      <button type="button" className="btn btn--primary" onClick={() => void start()} disabled={busy} data-testid="run-in-production">
        {busy ? "Starting…" : "Run in production"}
      </button>
      {missing ? (
        <span className="run-button__missing" role="alert" data-testid="run-missing-inputs">
          {missing.join(", ")} {missing.length === 1 ? "has" : "have"} never been materialized, and this run reads {missing.length === 1 ? "it" : "them"}.
          <button type="button" className="btn btn--small btn--primary" disabled={busy} onClick={() => void run([...(selectionOf(scope, asset) ?? []), ...missing])} data-testid="run-include-missing">
            Include {missing.length === 1 ? "it" : "them"}
          </button>
          <button type="button" className="btn btn--small" disabled={busy} onClick={() => void run(selectionOf(scope, asset))} data-testid="run-as-chosen">
            Run as chosen
          </button>
        </span>
      ) : null}
      {error ? (
        <span role="alert" className="muted">
          {error}
        </span>
      ) : null}
    </span>
  );
}
