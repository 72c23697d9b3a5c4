// `assetbook trigger NOTEBOOK`: starts a production run on an Assetbook server through its
// run API, prints the run's URL and follows its log until it finishes. The API token comes
// from ASSETBOOK_TOKEN only (never argv, so it stays out of shell history and `ps`), and is
// never printed.
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { selectionTerms } from "../lib/graph/plan";
import { paramPairs } from "../lib/notebook/params";
import { isSlug, SLUG_RULE } from "../lib/workspace/slug";
import { dim, green, red } from "./format";
import { UsageError } from "./usage";

type Out = (line: string) => void;

export class TriggerUsageError extends UsageError {}

export interface TriggerArgs {
  notebook: string;
  selection: string[];
  partition: string | null;
  /** Incremental cells built whole. */
  fullRefresh: boolean;
  /** `--param name=value`, as text. */
  params: Record<string, string>;
  server: URL;
  wait: boolean;
  token: string;
}

const envSchema = z.object({
  ASSETBOOK_SERVER: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  ASSETBOOK_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
});

export function serverUrl(raw: string, from: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TriggerUsageError(`${from} must be an http:// or https:// URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TriggerUsageError(`${from} must be an http:// or https:// URL, got "${raw}"`);
  // Paths below a server that lives under a prefix resolve against it.
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

function notebookSlug(arg: string): string {
  const slug = arg.endsWith(".md") ? path.basename(arg, ".md") : arg;
  if (!isSlug(slug)) throw new TriggerUsageError(`"${arg}" is neither a notebook slug (${SLUG_RULE}) nor a .md file`);
  return slug;
}

export function parseTriggerArgs(args: string[], rawEnv: Record<string, string | undefined>): TriggerArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { select: { type: "string" }, partition: { type: "string" }, server: { type: "string" }, "no-wait": { type: "boolean", default: false }, "full-refresh": { type: "boolean", default: false }, param: { type: "string", multiple: true } },
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new TriggerUsageError(/--token/.test(message) ? "the token is read from ASSETBOOK_TOKEN only, never from the command line" : message);
  }
  const { positionals, values } = parsed;
  const [notebook, ...extra] = positionals;
  if (notebook === undefined || extra.length > 0) throw new TriggerUsageError("name exactly one notebook");
  const env = envSchema.parse(rawEnv);
  const rawServer = values.server ?? env.ASSETBOOK_SERVER;
  if (rawServer === undefined) throw new TriggerUsageError("name the server: --server URL or ASSETBOOK_SERVER");
  const server = serverUrl(rawServer, values.server === undefined ? "ASSETBOOK_SERVER" : "--server");
  // Spaces separate the union's terms; a comma joins an intersection within one term.
  const selection = selectionTerms(values.select ?? "");
  if (values.partition !== undefined && values.partition.trim() === "") throw new TriggerUsageError("--partition needs a key");
  const pairs = paramPairs(values.param ?? []);
  if (!pairs.ok) throw new TriggerUsageError(pairs.problem);
  if (env.ASSETBOOK_TOKEN === undefined) throw new TriggerUsageError(`ASSETBOOK_TOKEN is not set: create an API token on ${new URL("settings", server).href} and export it`);
  return { notebook: notebookSlug(notebook), selection, partition: values.partition ?? null, fullRefresh: values["full-refresh"], params: pairs.params, server, wait: !values["no-wait"], token: env.ASSETBOOK_TOKEN };
}

/** An answer the CLI cannot go on from: exit 2 with this message. */
class HttpProblem extends Error {}

const errorAnswer = z.object({ error: z.string(), fields: z.record(z.string(), z.array(z.string())).optional() });
const createdAnswer = z.object({ id: z.string().min(1) });
const runStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
const eventsAnswer = z.object({
  status: runStatus,
  events: z.array(z.object({ id: z.string(), at: z.string(), level: z.string(), asset: z.string().nullable(), message: z.string() })),
});
type RunEventLine = z.infer<typeof eventsAnswer>["events"][number];

/** Answers worth waiting out while following a run (a restarting server, a proxy hiccup). */
const TRANSIENT = new Set([502, 503, 504]);
const MAX_TRANSIENT_FAILURES = 5;

export function problemOf(status: number, body: unknown): string {
  const parsed = errorAnswer.safeParse(body);
  const message = parsed.success ? parsed.data.error : `HTTP ${status}`;
  const fields = parsed.success && parsed.data.fields ? Object.entries(parsed.data.fields).map(([field, issues]) => `\n  ${field}: ${issues.join("; ")}`) : [];
  if (status === 401) return "ASSETBOOK_TOKEN is missing, revoked or expired";
  if (status === 403) return `the server refused: ${message}`;
  return `${message}${fields.join("")}`;
}

export interface TriggerOptions {
  env: Record<string, string | undefined>;
  out: Out;
  err: Out;
  /** How often to ask for new log lines (default 1 s). */
  pollMs?: number;
  fetch?: typeof fetch;
}

export async function trigger(args: string[], options: TriggerOptions): Promise<number> {
  let parsed: TriggerArgs;
  try {
    parsed = parseTriggerArgs(args, options.env);
  } catch (e) {
    if (!(e instanceof TriggerUsageError)) throw e;
    options.err(`assetbook trigger: ${e.message}`);
    return 2;
  }
  try {
    return await triggerAndFollow(parsed, options);
  } catch (e) {
    if (!(e instanceof HttpProblem)) throw e;
    options.err(red(`assetbook trigger: ${e.message}`));
    return 2;
  }
}

async function triggerAndFollow(args: TriggerArgs, options: TriggerOptions): Promise<number> {
  const { out, err } = options;
  const api = async (method: "GET" | "POST", relative: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const url = new URL(relative, args.server);
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, {
        method,
        headers: { authorization: `Bearer ${args.token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      return { status: 0, body: { error: `cannot reach ${args.server.origin}: ${cause}` } };
    }
    return { status: response.status, body: await response.json().catch(() => null) };
  };

  const posted = await api("POST", "api/runs", {
    notebook: args.notebook,
    trigger: "cli",
    ...(args.selection.length > 0 ? { selection: args.selection } : {}),
    ...(args.partition === null ? {} : { partition: args.partition }),
    ...(args.fullRefresh ? { fullRefresh: true } : {}),
    ...(Object.keys(args.params).length > 0 ? { params: args.params } : {}),
  });
  const created = createdAnswer.safeParse(posted.body);
  if (posted.status < 200 || posted.status >= 300 || !created.success) throw new HttpProblem(problemOf(posted.status, posted.body));
  const runId = created.data.id;
  out(`run ${runId} queued: ${new URL(`runs/${runId}`, args.server).href}`);
  if (!args.wait) return 0;
  out(dim("following its log (Ctrl-C stops following; the run goes on)"));

  let after: string | null = null;
  let failures = 0;
  for (;;) {
    const answer = await api("GET", `api/runs/${runId}/events${after === null ? "" : `?after=${after}`}`);
    const page = eventsAnswer.safeParse(answer.body);
    if (answer.status !== 200 || !page.success) {
      const transient = answer.status === 0 || TRANSIENT.has(answer.status);
      if (!transient || ++failures > MAX_TRANSIENT_FAILURES) throw new HttpProblem(problemOf(answer.status, answer.body));
      err(dim(`${problemOf(answer.status, answer.body)}; retrying`));
    } else {
      failures = 0;
      for (const event of page.data.events) out(formatEvent(event));
      after = page.data.events.at(-1)?.id ?? after;
      switch (page.data.status) {
        case "queued":
        case "running":
          break;
        case "succeeded":
          out(green(`run ${runId} succeeded`));
          return 0;
        case "failed":
          err(red(`run ${runId} failed`));
          return 1;
        case "cancelled":
          err(red(`run ${runId} was cancelled`));
          return 1;
        default: {
          const unreachable: never = page.data.status;
          throw new Error(`unknown run status ${String(unreachable)}`);
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

function formatEvent(event: RunEventLine): string {
  const time = event.at.length >= 19 ? event.at.slice(11, 19) : event.at;
  const line = `${event.asset === null ? "" : `${event.asset}: `}${event.message}`;
  return `${dim(time)} ${event.level === "error" ? red(line) : line}`;
}
