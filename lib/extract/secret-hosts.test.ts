// Workspace secrets bound to their allowed hosts, from the catalog to the wire: two real
// HTTP servers on different ports; a secret allowed for A reaches A, and a cell pointing
// at B fails before B sees a single request, in the run path (runExtract, what production
// runs call) and the preview path (previewExtract). On every catalog store.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setSecret, workspaceSecretResolver } from "../catalog/secrets";
import { parseConfig } from "../config";
import type { CatalogDb } from "../catalog/store";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { parseNotebook } from "../notebook";
import type { ExtractCell } from "../notebook/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { SecretResolver } from "./http";
import { queryOf, sendJson, startTestServer, type RecordedRequest, type TestServer } from "./http/test-server";
import { previewExtract } from "./preview";
import { runExtract } from "./run";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(`[secret-hosts] ${postgresSkipped}`);

const TOKEN = "tok-a1b2c3-never-leaves-a";
const CLIENT_SECRET = "cs-9z8y7x-for-the-token-endpoint";
const key = randomBytes(32);

/** An API that answers rows to anyone, and OAuth2 tokens at /token. */
function api(): Promise<TestServer> {
  return startTestServer((request, response) => {
    if (request.url.startsWith("/token")) sendJson(response, 200, { access_token: "access-from-token-endpoint", expires_in: 3600 });
    else sendJson(response, 200, [{ id: 1, name: "one" }, { id: 2, name: "two" }]);
  });
}

const hostOf = (server: TestServer) => new URL(server.url).host;

function notebook(config: string): string {
  return `\`\`\`extract activities\nsource: rest\n${config}\nprimary_key: id\n\`\`\`\n`;
}

function extractCell(text: string): ExtractCell {
  const parsed = parseNotebook(text, "secrets.md");
  const cell = parsed.notebook?.cells.find((c): c is ExtractCell => c.type === "asset" && c.kind === "extract");
  if (!cell) throw new Error(`no extract cell: ${JSON.stringify(parsed.ok ? [] : parsed.issues)}`);
  return cell;
}

/** What production runs call: runExtract into a fresh warehouse. */
async function run(text: string, resolveSecret: SecretResolver): Promise<{ ok: true } | { ok: false; error: string }> {
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    const outcome = await runExtract(warehouse, extractCell(text), { resolveSecret });
    return outcome.ok ? { ok: true } : { ok: false, error: outcome.reason };
  } finally {
    await warehouse.close();
  }
}

/** What the preview route calls. */
async function preview(text: string, resolveSecret: SecretResolver): Promise<{ ok: true } | { ok: false; error: string }> {
  const result = await previewExtract({ text, file: "secrets.md", cell: "activities", openWarehouse: () => openDuckDbWarehouse({ path: ":memory:" }), resolveSecret });
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}

const paths = { run, preview };
const bearerTo = (server: TestServer) => notebook(`base_url: ${server.url}\nauth: { type: bearer, token: secret:FITNESS_TOKEN }`);
const authorizations = (requests: RecordedRequest[]) => requests.map((r) => r.headers.authorization);

describe.each(cases)("secrets bound to hosts on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let a: TestServer;
  let b: TestServer;
  let workspaceId: string;

  beforeAll(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
  });
  afterAll(async () => {
    await opened?.store.close();
    await opened?.cleanup();
  });
  beforeEach(async () => {
    [a, b] = await Promise.all([api(), api()]);
    workspaceId = (await db.workspace.create({ data: { slug: `w-${randomBytes(4).toString("hex")}`, name: "W" } })).id;
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const resolver = () => workspaceSecretResolver(db, key, workspaceId, [], {});

  describe.each(Object.entries(paths))("the %s path", (_name, extract) => {
    it("sends a secret allowed for A to A, and refuses B before B gets any request", async () => {
      await setSecret(db, key, { workspaceId, name: "FITNESS_TOKEN", value: TOKEN, allowedHosts: [hostOf(a)], actorId: null });

      expect(await extract(bearerTo(a), await resolver())).toEqual({ ok: true });
      expect(authorizations(a.requests)).toEqual([`Bearer ${TOKEN}`]);

      const refused = await extract(bearerTo(b), await resolver());
      expect(refused).toEqual({
        ok: false,
        error: `cell "activities": auth.token: secret FITNESS_TOKEN may not be sent to ${hostOf(b)} (allowed: ${hostOf(a)})`,
      });
      expect(b.requests).toHaveLength(0);
    });

    it("checks params and headers against base_url too", async () => {
      await setSecret(db, key, { workspaceId, name: "API_KEY", value: TOKEN, allowedHosts: [hostOf(a)], actorId: null });
      const withKey = (server: TestServer, where: "params" | "headers") => notebook(`base_url: ${server.url}\n${where}: { x_key: secret:API_KEY }`);

      expect(await extract(withKey(a, "params"), await resolver())).toEqual({ ok: true });
      expect(a.requests.map((r) => queryOf(r).get("x_key"))).toEqual([TOKEN]);
      for (const where of ["params", "headers"] as const) {
        const refused = await extract(withKey(b, where), await resolver());
        expect(refused.ok ? "" : refused.error).toBe(`cell "activities": ${where}.x_key: secret API_KEY may not be sent to ${hostOf(b)} (allowed: ${hostOf(a)})`);
      }
      expect(b.requests).toHaveLength(0);
    });

    it("OAuth2: the client secret goes to token_url only when token_url's host is allowed", async () => {
      await setSecret(db, key, { workspaceId, name: "CLIENT_SECRET", value: CLIENT_SECRET, allowedHosts: [hostOf(a)], actorId: null });
      const oauth = (tokenServer: TestServer) =>
        notebook(
          `base_url: ${a.url}\nauth: { type: oauth2_client_credentials, token_url: "${tokenServer.url}/token", client_id: app, client_secret: secret:CLIENT_SECRET }`,
        );

      expect(await extract(oauth(a), await resolver())).toEqual({ ok: true });
      expect(a.requests.map((r) => [r.method, r.url])).toEqual([
        ["POST", "/token"],
        ["GET", "/"],
      ]);
      expect(new URLSearchParams(a.requests[0]?.body).get("client_secret")).toBe(CLIENT_SECRET);

      a.requests.length = 0;
      const refused = await extract(oauth(b), await resolver());
      expect(refused.ok ? "" : refused.error).toBe(`cell "activities": auth.client_secret: secret CLIENT_SECRET may not be sent to ${hostOf(b)} (allowed: ${hostOf(a)})`);
      expect(b.requests).toHaveLength(0);
      expect(a.requests).toHaveLength(0);
    });

    // Issue 12, finding 6: a token minted with host-bound client credentials was sent to any base_url.
    it("OAuth2: the access token inherits the credentials' allowed hosts, refused before the token is even requested", async () => {
      await setSecret(db, key, { workspaceId, name: "CLIENT_SECRET", value: CLIENT_SECRET, allowedHosts: [hostOf(a)], actorId: null });
      const oauthTo = (api: TestServer) =>
        notebook(`base_url: ${api.url}\nauth: { type: oauth2_client_credentials, token_url: "${a.url}/token", client_id: app, client_secret: secret:CLIENT_SECRET }`);

      const refused = await extract(oauthTo(b), await resolver());
      expect(refused.ok ? "" : refused.error).toBe(
        `cell "activities": auth.client_secret: an access token minted with secret CLIENT_SECRET may not be sent to ${hostOf(b)} (allowed: ${hostOf(a)})`,
      );
      expect(a.requests).toHaveLength(0);
      expect(b.requests).toHaveLength(0);

      expect(await extract(oauthTo(a), await resolver())).toEqual({ ok: true });
      expect(authorizations(a.requests)).toEqual([undefined, "Bearer access-from-token-endpoint"]);
    });

    // Issue 12, finding 13: allowed hosts ignored the scheme.
    it("an allowed host written with https:// refuses plain http to the same host and port", async () => {
      await setSecret(db, key, { workspaceId, name: "FITNESS_TOKEN", value: TOKEN, allowedHosts: [`https://${hostOf(a)}`], actorId: null });
      const refused = await extract(bearerTo(a), await resolver());
      expect(refused.ok ? "" : refused.error).toBe(`cell "activities": auth.token: secret FITNESS_TOKEN may not be sent to ${hostOf(a)} (allowed: https://${hostOf(a)})`);
      expect(a.requests).toHaveLength(0);
    });

    it("a secret with no allowed hosts, and an environment variable (the CLI), go to any host as before", async () => {
      await setSecret(db, key, { workspaceId, name: "FITNESS_TOKEN", value: TOKEN, actorId: null });
      expect(await extract(bearerTo(b), await resolver())).toEqual({ ok: true });
      const fromEnv = await workspaceSecretResolver(db, key, workspaceId, parseConfig({ ASSETBOOK_ENV_SECRETS: "OTHER, ENV_TOKEN" }).envSecrets, { ENV_TOKEN: "from-env" });
      expect(await extract(notebook(`base_url: ${b.url}\nauth: { type: bearer, token: secret:ENV_TOKEN }`), fromEnv)).toEqual({ ok: true });
      expect(authorizations(b.requests)).toEqual([`Bearer ${TOKEN}`, "Bearer from-env"]);
    });

    it("never resolves a server environment variable the operator did not list in ASSETBOOK_ENV_SECRETS", async () => {
      const env = { DATABASE_URL: "postgres://user:pw@db/x", ASSETBOOK_SECRET_KEY: "k".repeat(64), ENV_TOKEN: "from-env", ASSETBOOK_ENV_SECRETS: "ENV_TOKEN" };
      const resolve = await workspaceSecretResolver(db, key, workspaceId, parseConfig(env).envSecrets, env);
      expect([resolve("DATABASE_URL"), resolve("ASSETBOOK_SECRET_KEY"), resolve("ASSETBOOK_ENV_SECRETS"), resolve("ENV_TOKEN")]).toEqual([undefined, undefined, undefined, "from-env"]);
      const result = await extract(notebook(`base_url: ${b.url}\nauth: { type: bearer, token: secret:DATABASE_URL }`), resolve);
      expect(JSON.stringify(result)).toContain("DATABASE_URL");
      expect(JSON.stringify(result)).not.toContain("pw@db");
      expect(b.requests).toHaveLength(0);
    });
  });
});
