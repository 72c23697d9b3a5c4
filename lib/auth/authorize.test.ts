import { describe, expect, it } from "vitest";
import { authorizeApiRequest, BAD_API_TOKEN } from "./authorize";
import { passesCsrfCheck } from "./csrf";
import type { Principal } from "./session";

const member = (role: Principal["role"]): Principal => ({ userId: "u", email: "a@b.c", name: "A", role, workspaceId: "w" });
const as = (p: Principal | null) => async () => p;
const req = (method: string, headers: Record<string, string> = {}, url = "http://app.test/api/x") => new Request(url, { method, headers: { host: "app.test", ...headers } });

describe("authorizeApiRequest", () => {
  it("answers 401 without a session, whatever the role asked", async () => {
    for (const access of ["viewer", "editor", "owner"] as const) {
      expect(await authorizeApiRequest(req("GET"), access, as(null))).toMatchObject({ ok: false, status: 401 });
    }
  });

  it("answers 403 to a lesser role and passes an equal or greater one", async () => {
    expect(await authorizeApiRequest(req("GET"), "owner", as(member("editor")))).toMatchObject({ ok: false, status: 403 });
    expect(await authorizeApiRequest(req("GET"), "editor", as(member("viewer")))).toMatchObject({ ok: false, status: 403 });
    expect(await authorizeApiRequest(req("GET"), "editor", as(member("owner")))).toMatchObject({ ok: true });
  });

  it("refuses a cross-site write even with a valid session", async () => {
    const evil = req("POST", { origin: "http://evil.test" });
    expect(await authorizeApiRequest(evil, "viewer", as(member("owner")))).toMatchObject({ ok: false, status: 403 });
    expect(await authorizeApiRequest(req("POST"), "viewer", as(member("owner")))).toMatchObject({ ok: false, status: 403 });
    expect(await authorizeApiRequest(req("POST", { origin: "http://app.test" }), "viewer", as(member("owner")))).toMatchObject({ ok: true });
    expect(await authorizeApiRequest(req("POST", { "sec-fetch-site": "same-origin" }), "viewer", as(member("owner")))).toMatchObject({ ok: true });
  });

  it("refuses share tokens on every write or run endpoint, even alongside a session", async () => {
    const shareHeaders: Record<string, string>[] = [{ authorization: "Share abc" }, { "x-share-token": "abc" }];
    for (const headers of shareHeaders) {
      const write = req("POST", { origin: "http://app.test", ...headers });
      expect(await authorizeApiRequest(write, "editor", as(member("owner")))).toMatchObject({ ok: false, status: 403, error: "share links are read-only" });
    }
    const viaQuery = req("DELETE", { origin: "http://app.test" }, "http://app.test/api/x?share=abc");
    expect(await authorizeApiRequest(viaQuery, "viewer", as(member("owner")))).toMatchObject({ ok: false, status: 403 });
    // On a read endpoint a share token grants nothing: no session, 401.
    expect(await authorizeApiRequest(req("GET", { authorization: "Share abc" }), "viewer", as(null))).toMatchObject({ ok: false, status: 401 });
  });

  it("API tokens: no CSRF check on bearer requests (no cookie to ride on), the role still counts, a bad token is a clear 401", async () => {
    const tokenMember = (role: Principal["role"]): Principal => ({ ...member(role), apiTokenId: "t1" });
    const bearer = { authorization: "Bearer ab_token" };
    // A script sends no Origin: a session would be refused, a token passes.
    expect(await authorizeApiRequest(req("POST", bearer), "editor", as(tokenMember("editor")))).toMatchObject({ ok: true });
    expect(await authorizeApiRequest(req("POST"), "editor", as(member("editor")))).toMatchObject({ ok: false, status: 403 });
    expect(await authorizeApiRequest(req("POST", bearer), "owner", as(tokenMember("editor")))).toMatchObject({ ok: false, status: 403, error: "this needs the owner role" });
    expect(await authorizeApiRequest(req("GET", bearer), "viewer", as(null))).toEqual({ ok: false, status: 401, error: BAD_API_TOKEN });
    expect(await authorizeApiRequest(req("GET"), "viewer", as(null))).toEqual({ ok: false, status: 401, error: "sign in first" });
    // A share token beside a valid API token still opens no write.
    const both = req("POST", { ...bearer, "x-share-token": "abc" });
    expect(await authorizeApiRequest(both, "viewer", as(tokenMember("owner")))).toMatchObject({ ok: false, status: 403, error: "share links are read-only" });
  });

  it("lets public routes through without a session, CSRF-checked", async () => {
    expect(await authorizeApiRequest(req("POST", { origin: "http://app.test" }), "public", as(null))).toEqual({ ok: true, principal: null });
    expect(await authorizeApiRequest(req("POST", { origin: "http://evil.test" }), "public", as(null))).toMatchObject({ ok: false, status: 403 });
  });

  it("lets signed routes (webhooks) through without a session or an origin, and never with a principal: the route checks the signature", async () => {
    expect(await authorizeApiRequest(req("POST"), "signed", as(member("owner")))).toEqual({ ok: true, principal: null });
    expect(await authorizeApiRequest(req("POST", { origin: "http://github.example" }), "signed", as(null))).toEqual({ ok: true, principal: null });
  });

  it("csrf: safe methods always pass; malformed origins fail", () => {
    expect(passesCsrfCheck(req("GET", { origin: "http://evil.test" }))).toBe(true);
    expect(passesCsrfCheck(req("PUT", { origin: "null" }))).toBe(false);
  });
});
