import { afterEach, describe, expect, it } from "vitest";
import { ExtractHttpError } from "./errors";
import { MissingSecretError } from "../../secrets/secrets";
import { collectPages, rejectionOf } from "./test-helpers";
import { queryOf, sendJson, startTestServer, type RecordedRequest, type TestHandler, type TestServer } from "./test-server";

const SECRETS: Record<string, string> = {
  API_TOKEN: "tok-123",
  API_KEY: "k3y/with+chars",
  USER: "ada",
  PASSWORD: "pa:ss",
  CLIENT_SECRET: "client-secret-xyz",
  REFRESH_TOKEN: "rt-1",
};
const resolveSecret = (name: string) => SECRETS[name];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(handler: TestHandler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

/** Three pages of one record each, linked by Link headers that do not repeat the query. */
const threePages: TestHandler = (request, response) => {
  const page = Number(queryOf(request).get("page") ?? 1);
  sendJson(response, 200, [{ page }], page < 3 ? { link: `</items?page=${page + 1}>; rel="next"` } : {});
};
const apiRequests = (api: TestServer) => api.requests.filter((request) => !request.url.startsWith("/token"));
const tokenRequests = (api: TestServer) => api.requests.filter((request) => request.url.startsWith("/token"));
const formOf = (request: RecordedRequest | undefined) => Object.fromEntries(new URLSearchParams(request?.body ?? ""));

describe("static credentials", () => {
  it("bearer: sends the resolved token on every page", async () => {
    const api = await serve(threePages);
    await collectPages(
      { base_url: api.url, path: "items", paginator: { type: "link_header" }, auth: { type: "bearer", token: "secret:API_TOKEN" } },
      { resolveSecret },
    );
    expect(api.requests.map((request) => request.headers.authorization)).toEqual(Array(3).fill("Bearer tok-123"));
  });

  it("api_key in a header", async () => {
    const api = await serve(threePages);
    await collectPages(
      {
        base_url: api.url,
        path: "items",
        auth: { type: "api_key", name: "X-Api-Key", value: "secret:API_KEY", in: "header" },
      },
      { resolveSecret },
    );
    expect(api.requests[0]?.headers["x-api-key"]).toBe("k3y/with+chars");
  });

  it("api_key in the query: on every page, even when the next link drops it; redacted in page URLs", async () => {
    const api = await serve(threePages);
    const pages = await collectPages(
      {
        base_url: api.url,
        path: "items",
        paginator: { type: "link_header" },
        auth: { type: "api_key", name: "api_key", value: "secret:API_KEY", in: "query" },
      },
      { resolveSecret },
    );
    expect(api.requests.map((request) => queryOf(request).get("api_key"))).toEqual(Array(3).fill("k3y/with+chars"));
    expect(pages.map((page) => page.url)).toEqual([
      `${api.url}/items?api_key=***`,
      `${api.url}/items?page=2&api_key=***`,
      `${api.url}/items?page=3&api_key=***`,
    ]);
  });

  it("basic: base64 of username:password", async () => {
    const api = await serve(threePages);
    await collectPages(
      { base_url: api.url, auth: { type: "basic", username: "secret:USER", password: "secret:PASSWORD" } },
      { resolveSecret },
    );
    expect(api.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from("ada:pa:ss").toString("base64")}`);
  });

  it("a missing secret names the field and the secret, and sends nothing", async () => {
    const api = await serve(threePages);
    const error = await rejectionOf(
      collectPages({ base_url: api.url, auth: { type: "bearer", token: "secret:NOPE" } }, { resolveSecret }),
    );
    expect(error).toBeInstanceOf(MissingSecretError);
    expect(error.message).toBe('auth.token: secret "NOPE" is not set');
    const paramError = await rejectionOf(
      collectPages({ base_url: api.url, params: { key: "secret:ALSO_NOPE" } }, { resolveSecret }),
    );
    expect(paramError.message).toBe('params.key: secret "ALSO_NOPE" is not set');
    expect(api.requests).toHaveLength(0);
  });
});

/** An OAuth2 server: /token issues tok-1, tok-2, ...; the API accepts only tokens in `valid`. */
function oauthServer(options: { expiresIn?: number; rotateRefreshToken?: boolean; revokeAfterPage?: number; pages?: TestHandler } = {}) {
  const valid = new Set<string>();
  let issued = 0;
  let refreshToken = "rt-1";
  const handler: TestHandler = (request, response) => {
    if (request.url.startsWith("/token")) {
      const form = new URLSearchParams(request.body);
      if (form.get("grant_type") === "refresh_token" && form.get("refresh_token") !== refreshToken) {
        return sendJson(response, 400, { error: "invalid_grant" });
      }
      issued += 1;
      const token = `tok-${issued}`;
      valid.add(token);
      const body: Record<string, unknown> = { access_token: token, token_type: "Bearer" };
      if (options.expiresIn !== undefined) body.expires_in = options.expiresIn;
      if (options.rotateRefreshToken) {
        refreshToken = `rt-${issued + 1}`;
        body.refresh_token = refreshToken;
      }
      return sendJson(response, 200, body);
    }
    const page = Number(queryOf(request).get("page") ?? 1);
    if (options.revokeAfterPage !== undefined && page > options.revokeAfterPage) valid.delete("tok-1");
    const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (!valid.has(token)) return sendJson(response, 401, { error: "invalid_token" });
    return (options.pages ?? threePages)(request, response, { url: "" });
  };
  return handler;
}

/** Pages 1 to `count` hold one record each (`page=N`), the next is empty. */
function numberedPages(count: number): TestHandler {
  return (request, response) => {
    const page = Number(queryOf(request).get("page"));
    sendJson(response, 200, page <= count ? [{ page }] : []);
  };
}

/** Every page of `base`'s numbered pages, prefetched, under a refresh token. */
function collectPrefetchedWithRefreshToken(base: string) {
  return collectPages(
    {
      base_url: base,
      path: "items",
      paginator: { type: "page_number", page_param: "page" },
      auth: { type: "oauth2_refresh_token", token_url: `${base}/token`, client_id: "app", refresh_token: "secret:REFRESH_TOKEN" },
    },
    { resolveSecret, prefetch: true },
  );
}

describe("oauth2", () => {
  it("client credentials: one token request, cached across pages", async () => {
    const api = await serve(oauthServer({ expiresIn: 3600 }));
    const pages = await collectPages(
      {
        base_url: api.url,
        path: "items",
        paginator: { type: "link_header" },
        auth: {
          type: "oauth2_client_credentials",
          token_url: `${api.url}/token`,
          client_id: "app",
          client_secret: "secret:CLIENT_SECRET",
          scope: "read",
        },
      },
      { resolveSecret },
    );
    expect(pages).toHaveLength(3);
    expect(tokenRequests(api)).toHaveLength(1);
    const [tokenRequest] = tokenRequests(api);
    expect(tokenRequest?.method).toBe("POST");
    expect(tokenRequest?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(formOf(tokenRequest)).toEqual({
      grant_type: "client_credentials",
      scope: "read",
      client_id: "app",
      client_secret: "client-secret-xyz",
    });
    expect(apiRequests(api).map((request) => request.headers.authorization)).toEqual(Array(3).fill("Bearer tok-1"));
  });

  it("a token that has expired (expires_in: 0) is fetched again for the next page", async () => {
    const api = await serve(oauthServer({ expiresIn: 0 }));
    await collectPages(
      {
        base_url: api.url,
        path: "items",
        paginator: { type: "link_header" },
        auth: { type: "oauth2_client_credentials", token_url: `${api.url}/token`, client_id: "app", client_secret: "s" },
      },
      { resolveSecret },
    );
    expect(tokenRequests(api)).toHaveLength(3);
  });

  it("a token revoked mid-run: one 401, one refresh, and the run continues", async () => {
    const api = await serve(oauthServer({ revokeAfterPage: 2 }));
    const pages = await collectPages(
      {
        base_url: api.url,
        path: "items",
        paginator: { type: "link_header" },
        auth: { type: "oauth2_client_credentials", token_url: `${api.url}/token`, client_id: "app", client_secret: "s" },
      },
      { resolveSecret },
    );
    expect(pages).toHaveLength(3);
    expect(tokenRequests(api)).toHaveLength(2);
    expect(apiRequests(api).map((request) => [request.url, request.headers.authorization])).toEqual([
      ["/items", "Bearer tok-1"],
      ["/items?page=2", "Bearer tok-1"],
      ["/items?page=3", "Bearer tok-1"],
      ["/items?page=3", "Bearer tok-2"],
    ]);
  });

  it("a second 401 after a refresh fails, naming the status", async () => {
    const api = await serve((request, response) =>
      request.url.startsWith("/token")
        ? sendJson(response, 200, { access_token: "never-good", expires_in: 3600 })
        : sendJson(response, 401, { error: "invalid_token" }),
    );
    const error = await rejectionOf(
      collectPages(
        {
          base_url: api.url,
          auth: { type: "oauth2_client_credentials", token_url: `${api.url}/token`, client_id: "app", client_secret: "s" },
        },
        { resolveSecret },
      ),
    );
    expect(error).toBeInstanceOf(ExtractHttpError);
    expect(error).toMatchObject({ status: 401, attempts: 2 });
    expect(error.message).toContain("returned HTTP 401");
    expect(tokenRequests(api)).toHaveLength(2);
    expect(apiRequests(api)).toHaveLength(2);
  });

  it("refresh token: sends the refresh token and uses the rotated one on the next refresh", async () => {
    const api = await serve(oauthServer({ rotateRefreshToken: true, revokeAfterPage: 1 }));
    const pages = await collectPages(
      {
        base_url: api.url,
        path: "items",
        paginator: { type: "link_header" },
        auth: {
          type: "oauth2_refresh_token",
          token_url: `${api.url}/token`,
          client_id: "app",
          refresh_token: "secret:REFRESH_TOKEN",
        },
      },
      { resolveSecret },
    );
    expect(pages).toHaveLength(3);
    expect(tokenRequests(api).map(formOf)).toEqual([
      { grant_type: "refresh_token", refresh_token: "rt-1", client_id: "app" },
      { grant_type: "refresh_token", refresh_token: "rt-2", client_id: "app" },
    ]);
  });

  it("pages requested ahead together ask for one token, so a rotated refresh token is used once", async () => {
    // Every token expires at once: each request wants a new one, and the pages ahead want theirs together.
    const api = await serve(oauthServer({ rotateRefreshToken: true, expiresIn: 0, pages: numberedPages(6) }));
    const pages = await collectPrefetchedWithRefreshToken(api.url);
    expect(pages.map((page) => page.count)).toEqual([1, 1, 1, 1, 1, 1, 0]);
    // Each token request sent the refresh token the one before it was given: none was refused.
    const sent = tokenRequests(api).map((request) => formOf(request).refresh_token);
    expect(sent).toEqual(sent.map((_, index) => `rt-${index + 1}`));
    expect(sent.length).toBeLessThan(apiRequests(api).length);
  });

  it("a token revoked under several pages in flight is replaced once: a 401 for the old token leaves the new one", async () => {
    // tok-1 is revoked once page 3 is asked for: the pages in flight with it are all refused.
    const api = await serve(oauthServer({ rotateRefreshToken: true, expiresIn: 3600, revokeAfterPage: 2, pages: numberedPages(8) }));
    const pages = await collectPrefetchedWithRefreshToken(api.url);
    expect(pages.map((page) => page.count)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0]);
    const refused = apiRequests(api).filter((request) => request.headers.authorization === "Bearer tok-1" && Number(queryOf(request).get("page")) > 2);
    expect(refused.length).toBeGreaterThan(1);
    expect(tokenRequests(api).map((request) => formOf(request).refresh_token)).toEqual(["rt-1", "rt-2"]);
  });

  it("a failing token request is an error that does not leak the client secret", async () => {
    const api = await serve((request, response) =>
      sendJson(response, 400, { error: "invalid_client", echoed: request.body }),
    );
    const error = await rejectionOf(
      collectPages(
        {
          base_url: api.url,
          auth: {
            type: "oauth2_client_credentials",
            token_url: `${api.url}/token`,
            client_id: "app",
            client_secret: "secret:CLIENT_SECRET",
          },
        },
        { resolveSecret },
      ),
    );
    expect(error.message).toContain("token request failed");
    expect(error.message).toContain("invalid_client");
    expect(error.message).not.toContain("client-secret-xyz");
    expect(apiRequests(api)).toHaveLength(0);
  });

  it("a token response without access_token is a clear error", async () => {
    const api = await serve((request, response) =>
      request.url.startsWith("/token") ? sendJson(response, 200, { token: "x" }) : sendJson(response, 200, []),
    );
    const error = await rejectionOf(
      collectPages(
        { base_url: api.url, auth: { type: "oauth2_client_credentials", token_url: `${api.url}/token`, client_id: "a", client_secret: "b" } },
        { resolveSecret },
      ),
    );
    expect(error.message).toBe(`token response from ${api.url}/token is not an OAuth2 token response (access_token)`);
  });
});
