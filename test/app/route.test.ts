import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { route, RouteError } from "@/app/_lib/route";

// These tests are about validation and errors: the caller is a signed-in owner.
// Authorization itself is tested in lib/auth and by the 401 sweep in test/app/auth-sweep.test.ts.
vi.mock("@/app/_lib/session", () => ({
  principalOf: async () => ({ userId: "u1", email: "owner@example.com", name: "Owner", role: "owner", workspaceId: "w1" }),
}));

const context = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const post = (body: string) => new Request("http://app.test/api/x?limit=5", { method: "POST", body, headers: { "content-type": "application/json", origin: "http://app.test" } });

describe("route()", () => {
  const handler = route(
    { params: z.object({ slug: z.string().regex(/^[a-z]+$/) }), query: z.object({ limit: z.coerce.number().int().max(10) }), body: z.object({ text: z.string() }) },
    async ({ params, query, body }) => ({ slug: params.slug, limit: query.limit, length: body.text.length }),
  );

  it("passes parsed params, query and body and answers a plain value as JSON", async () => {
    const response = await handler(post(JSON.stringify({ text: "abc" })), context({ slug: "rides" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ slug: "rides", limit: 5, length: 3 });
  });

  it("answers 400 naming every invalid field", async () => {
    const response = await handler(post(JSON.stringify({ text: 1 })), context({ slug: "../etc" }));
    expect(response.status).toBe(400);
    const body: unknown = await response.json();
    expect(body).toMatchObject({ fields: { "params.slug": [expect.any(String)], "body.text": [expect.any(String)] } });
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await handler(post("{nope"), context({ slug: "rides" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ fields: { body: ["not valid JSON"] } });
  });

  it("turns a RouteError into its status and any other error into a 500 without internals", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const notFound = route({}, () => {
      throw new RouteError(404, "notebook not found");
    });
    expect(await (await notFound(new Request("http://app.test/"), context({}))).json()).toEqual({ error: "notebook not found" });
    const broken = route({}, () => {
      throw new Error("ECONNREFUSED postgres://admin:hunter2@db");
    });
    const response = await broken(new Request("http://app.test/"), context({}));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ error: "internal server error", id: expect.any(String) });
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });
});
