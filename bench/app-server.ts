// A production build of the app (`npm run build` first) started for a bench: its own state
// in a temporary directory, an owner seeded before the start, a signed-in Chromium page.
// Used by the benches that measure the app as a user meets it (bench/keystroke.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { createAuth } from "../lib/auth/better-auth";
import { createMemberAccount } from "../lib/auth/members";
import { hashPassword } from "../lib/auth/passwords";
import { openCatalogStore, type CatalogStore } from "../lib/catalog";
import { ensureWorkspace } from "../lib/catalog/workspaces";

const root = path.resolve(import.meta.dirname, "..");
export const OWNER = { email: "bench@example.com", name: "Bench Owner", password: "bench password, long enough" };
const AUTH_SECRET = "bench-only-auth-secret-0123456789abcdef";

export interface BenchApp {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Refuses to run without a production build: a bench of `next dev` would measure the compiler. */
export function requireBuild(): void {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.error("no production build in .next: run `npm run build` first");
    process.exit(2);
  }
}

/**
 * Starts `next start` on `port` over a fresh state directory holding `notebooks`; `seed`
 * writes into the catalog before the server opens it (the owner is always seeded).
 */
export async function startApp(options: { port: number; notebooks: string; seed?: (store: CatalogStore, workspaceId: string) => Promise<void> }): Promise<BenchApp> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-bench-app-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ASSETBOOK_STATE_DIR: path.join(dir, "state"),
    ASSETBOOK_CATALOG_DIR: path.join(dir, "state", "catalog"),
    ASSETBOOK_DATA_DIR: path.join(dir, "data"),
    ASSETBOOK_NOTEBOOKS_DIR: path.join(dir, "notebooks"),
    ASSETBOOK_WAREHOUSE: path.join(dir, "state", "warehouse.duckdb"),
    ASSETBOOK_AUTH_SECRET: AUTH_SECRET,
    ASSETBOOK_SECRET_KEY: "be0c".repeat(16),
    ASSETBOOK_SCHEDULER: "off",
  };
  await cp(options.notebooks, env.ASSETBOOK_NOTEBOOKS_DIR ?? "", { recursive: true });
  const store = await openCatalogStore({ catalogDir: env.ASSETBOOK_CATALOG_DIR }, { onWarning: () => undefined });
  try {
    const { id: workspaceId } = await ensureWorkspace(store.db);
    const passwordHash = await hashPassword(createAuth(store.db, { secret: AUTH_SECRET }), OWNER.password);
    await store.db.$transaction((tx) => createMemberAccount(tx, { workspaceId, email: OWNER.email, name: OWNER.name, passwordHash, role: "owner" }));
    await options.seed?.(store, workspaceId);
  } finally {
    await store.close();
  }
  const url = `http://127.0.0.1:${options.port}`;
  const server: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-H", "127.0.0.1", "-p", String(options.port)], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  server.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
    await new Promise((resolve) => (server.exitCode === null ? server.once("exit", resolve) : resolve(undefined)));
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/login`).then((r) => r.ok, () => false);
    if (ok) return { url, dir, stop };
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`the app did not start:\n${log.slice(-2000)}`);
}

/** Debian's Chromium, as the e2e tests launch it. */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

function chromiumPath(): string {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    console.error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
    process.exit(2);
  }
  return executablePath;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/**
 * A browser with a profile on disk, as a user's is: unlike a fresh context, it keeps the
 * compiled code of the pages' scripts and WebAssembly between page loads. Signed in as the
 * seeded owner unless `visitor`.
 */
export async function launchProfile(app: BenchApp, options: { visitor?: boolean; viewport?: { width: number; height: number } } = {}): Promise<{ page: Page; close(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-bench-profile-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath: chromiumPath(), args: CHROMIUM_ARGS, baseURL: app.url, viewport: options.viewport ?? { width: 1440, height: 900 } });
  const close = async () => {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (!options.visitor) await signIn(context, app);
    return { page: context.pages()[0] ?? (await context.newPage()), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function signIn(context: BrowserContext, app: BenchApp): Promise<void> {
  const answer = await context.request.post("/api/session", { data: { email: OWNER.email, password: OWNER.password }, headers: { origin: app.url } });
  if (!answer.ok()) throw new Error(`sign-in failed: HTTP ${answer.status()}`);
}

/** A page signed in as the seeded owner. */
export async function ownerPage(browser: Browser, app: BenchApp, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ baseURL: app.url, viewport });
  await signIn(context, app);
  return context.newPage();
}
