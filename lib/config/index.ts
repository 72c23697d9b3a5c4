// The one configuration of a host (the app, the workers, the command line): every
// ASSETBOOK_* variable and DATABASE_URL is parsed here, once, with zod. A bad value fails
// at start with a ConfigError that names the variable. Relative paths resolve against the
// working directory, so every process that shares a directory sees the same files.
//
//   DATABASE_URL              team mode: PostgreSQL for the catalog and the job queue
//   ASSETBOOK_DATA_DIR        the data directory, which cells read (default `data`): data only
//   ASSETBOOK_STATE_DIR       the server's own files, never readable by cells (default `.assetbook`):
//                             the embedded catalog, the key files, the default warehouse file
//   ASSETBOOK_CATALOG_DIR     embedded catalog files (default `<state dir>/catalog`; `memory://` keeps nothing)
//   ASSETBOOK_WAREHOUSE       `duckdb:<file>`, a plain DuckDB file, or `postgres:<postgres://url>`
//                             (default `duckdb:<state dir>/warehouse.duckdb`)
//   ASSETBOOK_NOTEBOOKS_DIR   where `<slug>.md` live (default `notebooks`; NOTEBOOKS_DIR is an older name)
//   ASSETBOOK_SECRET_KEY, ASSETBOOK_AUTH_SECRET
//                             the keys; absent: read from (or, for the app, created in) `<state dir>/…`
// The state directory and the catalog must lie outside the data directory: cells read files
// there, and the keys sign sessions and decrypt secrets.
//   ASSETBOOK_ENV_SECRETS     environment variables the server may resolve as `secret:NAME`
//   ASSETBOOK_OUTBOUND_ALLOW  what extracts may reach besides the internet: `loopback`, `private`,
//                             both (`loopback,private`) or `none` (default `loopback`, for the
//                             examples); link-local and cloud metadata addresses never (lib/outbound)
//   ASSETBOOK_TRUSTED_PROXIES how many reverse proxies in front of the app append to
//                             X-Forwarded-For (default 0: the socket's address is the client's)
//   ASSETBOOK_BASE_URL, ASSETBOOK_WORKSPACE, ASSETBOOK_WORKERS (off: no embedded workers),
//   ASSETBOOK_WORKER_CONCURRENCY, ASSETBOOK_SCHEDULE_INTERVAL_S, ASSETBOOK_LOCK_TIMEOUT_MS,
//   ASSETBOOK_POLL_MS, ASSETBOOK_SCHEDULER (off: no scheduler)
//   ASSETBOOK_GIT_REMOTE      production follows a git branch of this remote (off when unset), with
//   ASSETBOOK_GIT_BRANCH (default main), ASSETBOOK_GIT_FOLDER (the notebooks in the repository,
//   default notebooks), ASSETBOOK_GIT_CREDENTIAL (the workspace secret holding the remote's token),
//   ASSETBOOK_GIT_POLL_S (default 60), ASSETBOOK_GIT_WEBHOOK_SECRET (signs POST /api/git/webhook)
//   ASSETBOOK_SMTP_URL        alert e-mail goes through this server (`smtp://user:pass@host:587`,
//                             `smtps://…:465`; off when unset), from ASSETBOOK_ALERTS_FROM
//                             (default `Assetbook <alerts@localhost>`)
import path from "node:path";
import { z } from "zod";

export type EnvSource = Record<string, string | undefined>;

/** Which non-public addresses outbound requests (extracts) may reach; lib/outbound's OutboundPolicy. */
export interface OutboundConfig {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

export type WarehouseConfig = { kind: "duckdb"; path: string } | { kind: "postgres"; url: string };

/** Production follows a branch: each new commit is built and promoted when its checks pass. */
export interface GitFollowConfig {
  /** A URL or a path; never with a credential in it. */
  remote: string;
  branch: string;
  folder: string;
  /** The workspace secret whose value is the remote's token (sent as HTTP basic auth). */
  credential: string | null;
  pollMs: number;
  webhookSecret: string | null;
}

export interface AssetbookConfig {
  /** null: embedded (PGlite catalog, in-process queue). */
  databaseUrl: string | null;
  /** Where the embedded catalog keeps its files (absolute, or `memory://`). */
  catalogDir: string;
  /** The data directory: file extracts and `read_csv(...)` read only inside it. It holds data only. */
  dataDir: string;
  /** The server's own files (catalog, keys, default warehouse), outside the data directory. */
  stateDir: string;
  warehouse: WarehouseConfig;
  notebooksDir: string;
  /** A key given in the environment, else the file that holds it. */
  secretKey: { value: string } | { file: string };
  authSecret: { value: string } | { file: string };
  envSecrets: string[];
  /** ASSETBOOK_OUTBOUND_ALLOW. */
  outbound: OutboundConfig;
  /** ASSETBOOK_TRUSTED_PROXIES: reverse proxies in front of the app (lib/auth/client-address.ts). */
  trustedProxies: number;
  baseUrl: string | null;
  workspaceSlug: string;
  /** Embedded workers in the app process (never in team mode). */
  embeddedWorkers: boolean;
  workers: { concurrency: number; scheduleIntervalMs: number; lockTimeoutMs: number; pollMs: number; scheduler: boolean };
  /** ASSETBOOK_GIT_*: null when production changes by promotions from the app and the CLI. */
  git: GitFollowConfig | null;
  /** ASSETBOOK_SMTP_URL and ASSETBOOK_ALERTS_FROM: null when alert e-mail is off. The URL holds credentials: never log it. */
  smtp: { url: string; from: string } | null;
}

/** A variable with a bad value; the message names it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const text = z.preprocess(blank, z.string().optional());
const positiveInt = (fallback: number) => z.preprocess(blank, z.coerce.number().int().positive().default(fallback));
const POSTGRES_URL = /^postgres(ql)?:\/\//;

const envSchema = z.object({
  DATABASE_URL: z.preprocess(blank, z.string().regex(POSTGRES_URL, "must be a postgres:// or postgresql:// URL").optional()),
  ASSETBOOK_DATA_DIR: text,
  ASSETBOOK_STATE_DIR: text,
  ASSETBOOK_CATALOG_DIR: text,
  ASSETBOOK_WAREHOUSE: text,
  ASSETBOOK_NOTEBOOKS_DIR: text,
  NOTEBOOKS_DIR: text,
  ASSETBOOK_SECRET_KEY: text,
  ASSETBOOK_AUTH_SECRET: text,
  ASSETBOOK_ENV_SECRETS: text,
  ASSETBOOK_OUTBOUND_ALLOW: text,
  ASSETBOOK_TRUSTED_PROXIES: z.preprocess(blank, z.coerce.number({ error: "the number of reverse proxies in front of the app, a whole number from 0 to 10" }).int().min(0).max(10).default(0)),
  ASSETBOOK_BASE_URL: z.preprocess(blank, z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional()),
  ASSETBOOK_WORKSPACE: z.preprocess(blank, z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "must be a lowercase slug").default("default")),
  ASSETBOOK_WORKERS: z.preprocess(blank, z.enum(["on", "off"]).default("on")),
  ASSETBOOK_WORKER_CONCURRENCY: positiveInt(4),
  ASSETBOOK_SCHEDULE_INTERVAL_S: positiveInt(15),
  ASSETBOOK_LOCK_TIMEOUT_MS: positiveInt(60_000),
  ASSETBOOK_POLL_MS: positiveInt(1_000),
  ASSETBOOK_SCHEDULER: z.preprocess(blank, z.enum(["on", "off"]).default("on")),
  ASSETBOOK_GIT_REMOTE: text,
  ASSETBOOK_GIT_BRANCH: z.preprocess(blank, z.string().regex(/^[^\s~^:?*[\\]+$/, "must be a git branch name").default("main")),
  ASSETBOOK_GIT_FOLDER: z.preprocess(blank, z.string().regex(/^[^/].*$/, "a folder inside the repository, without a leading /").default("notebooks")),
  ASSETBOOK_GIT_CREDENTIAL: z.preprocess(blank, z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "the name of a workspace secret").optional()),
  ASSETBOOK_GIT_POLL_S: positiveInt(60),
  ASSETBOOK_GIT_WEBHOOK_SECRET: z.preprocess(blank, z.string().min(16, "at least 16 characters").optional()),
  ASSETBOOK_SMTP_URL: z.preprocess(blank, z.string().regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL").optional()),
  ASSETBOOK_ALERTS_FROM: z.preprocess(blank, z.string().default("Assetbook <alerts@localhost>")),
});

/** ASSETBOOK_GIT_REMOTE: refused with a credential in it (it would reach logs and errors). Throws ConfigError. */
function parseGitRemote(remote: string): string {
  const variable = "ASSETBOOK_GIT_REMOTE";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      throw new ConfigError(variable, "is not a URL or a path");
    }
    if (url.username !== "" || url.password !== "") throw new ConfigError(variable, "must not hold a credential: put the token in a workspace secret and name it with ASSETBOOK_GIT_CREDENTIAL");
  }
  return remote;
}

/** `duckdb:<file>`, `postgres:<postgres://url>`, or a plain DuckDB file path. Throws ConfigError. */
export function parseWarehouse(spec: string, cwd: string): WarehouseConfig {
  const variable = "ASSETBOOK_WAREHOUSE";
  if (spec.startsWith("postgres:")) {
    const url = spec.slice("postgres:".length);
    if (!POSTGRES_URL.test(url)) throw new ConfigError(variable, "`postgres:` needs a postgres:// URL, e.g. postgres:postgres://host/db");
    return { kind: "postgres", url };
  }
  const file = spec.startsWith("duckdb:") ? spec.slice("duckdb:".length) : spec;
  if (file === "") throw new ConfigError(variable, "`duckdb:` needs a file path");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) throw new ConfigError(variable, `must be a DuckDB file, duckdb:<file> or postgres:<url>, got "${spec}"`);
  return { kind: "duckdb", path: path.resolve(/* turbopackIgnore: true */ cwd, file) };
}

const OUTBOUND_RANGES = ["loopback", "private"] as const;

/**
 * `loopback`, `private`, both (comma or space separated) or `none`; absent: `loopback`,
 * so the examples' local APIs work out of the box. Throws ConfigError.
 */
export function parseOutboundAllow(spec: string | undefined): OutboundConfig {
  const variable = "ASSETBOOK_OUTBOUND_ALLOW";
  if (spec === undefined) return { allowLoopback: true, allowPrivate: false };
  const words = spec.toLowerCase().split(/[\s,]+/).filter((word) => word !== "");
  if (words.includes("none")) {
    if (words.length > 1) throw new ConfigError(variable, `"none" cannot be combined with other values (got "${spec}")`);
    return { allowLoopback: false, allowPrivate: false };
  }
  const unknown = words.filter((word) => !OUTBOUND_RANGES.some((range) => range === word));
  if (unknown.length > 0 || words.length === 0) {
    const shown = unknown.length > 0 ? unknown.map((word) => `"${word}"`).join(", ") : `"${spec}"`;
    throw new ConfigError(variable, `unknown ${shown}: use loopback, private, loopback,private, or none (link-local and cloud metadata addresses are never allowed)`);
  }
  return { allowLoopback: words.includes("loopback"), allowPrivate: words.includes("private") };
}

/** The configuration of this process. Throws ConfigError naming the first bad variable. */
export function parseConfig(env: EnvSource, cwd: string = process.cwd()): AssetbookConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? "environment"), issue?.message ?? "invalid");
  }
  const e = parsed.data;
  const resolve = (p: string) => path.resolve(/* turbopackIgnore: true */ cwd, p);
  const dataDir = resolve(e.ASSETBOOK_DATA_DIR ?? "data");
  const stateDir = resolve(e.ASSETBOOK_STATE_DIR ?? ".assetbook");
  const catalogDir = e.ASSETBOOK_CATALOG_DIR === undefined ? path.join(stateDir, "catalog") : e.ASSETBOOK_CATALOG_DIR.startsWith("memory://") ? e.ASSETBOOK_CATALOG_DIR : resolve(e.ASSETBOOK_CATALOG_DIR);
  if (within(stateDir, dataDir)) throw new ConfigError(e.ASSETBOOK_STATE_DIR === undefined ? "ASSETBOOK_DATA_DIR" : "ASSETBOOK_STATE_DIR", `the state directory (${stateDir}) holds the keys and the catalog: it must lie outside the data directory (${dataDir}), which cells can read`);
  if (!catalogDir.startsWith("memory://") && within(catalogDir, dataDir)) throw new ConfigError("ASSETBOOK_CATALOG_DIR", `the catalog (${catalogDir}) must lie outside the data directory (${dataDir}), which cells can read`);
  const key = (value: string | undefined, file: string) => (value === undefined ? { file: path.join(stateDir, file) } : { value: value.trim() });
  return {
    databaseUrl: e.DATABASE_URL ?? null,
    catalogDir,
    dataDir,
    stateDir,
    warehouse: parseWarehouse(e.ASSETBOOK_WAREHOUSE ?? `duckdb:${path.join(stateDir, "warehouse.duckdb")}`, cwd),
    notebooksDir: resolve(e.ASSETBOOK_NOTEBOOKS_DIR ?? e.NOTEBOOKS_DIR ?? "notebooks"),
    secretKey: key(e.ASSETBOOK_SECRET_KEY, "secret-key"),
    authSecret: key(e.ASSETBOOK_AUTH_SECRET, "auth-secret"),
    envSecrets: (e.ASSETBOOK_ENV_SECRETS ?? "").split(/[\s,]+/).filter((name) => name !== ""),
    outbound: parseOutboundAllow(e.ASSETBOOK_OUTBOUND_ALLOW),
    trustedProxies: e.ASSETBOOK_TRUSTED_PROXIES,
    baseUrl: e.ASSETBOOK_BASE_URL ?? null,
    workspaceSlug: e.ASSETBOOK_WORKSPACE,
    embeddedWorkers: e.DATABASE_URL === undefined && e.ASSETBOOK_WORKERS === "on",
    workers: {
      concurrency: e.ASSETBOOK_WORKER_CONCURRENCY,
      scheduleIntervalMs: e.ASSETBOOK_SCHEDULE_INTERVAL_S * 1000,
      lockTimeoutMs: e.ASSETBOOK_LOCK_TIMEOUT_MS,
      pollMs: e.ASSETBOOK_POLL_MS,
      scheduler: e.ASSETBOOK_SCHEDULER === "on",
    },
    git:
      e.ASSETBOOK_GIT_REMOTE === undefined
        ? null
        : {
            remote: parseGitRemote(e.ASSETBOOK_GIT_REMOTE),
            branch: e.ASSETBOOK_GIT_BRANCH,
            folder: e.ASSETBOOK_GIT_FOLDER.replace(/\/+$/, ""),
            credential: e.ASSETBOOK_GIT_CREDENTIAL ?? null,
            pollMs: e.ASSETBOOK_GIT_POLL_S * 1000,
            webhookSecret: e.ASSETBOOK_GIT_WEBHOOK_SECRET ?? null,
          },
    smtp: e.ASSETBOOK_SMTP_URL === undefined ? null : { url: e.ASSETBOOK_SMTP_URL, from: e.ASSETBOOK_ALERTS_FROM },
  };
}

/** True when `inner` is `outer` or lies below it. */
function within(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}
