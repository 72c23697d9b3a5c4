// The ONE builder every API route handler goes through: zod validation of params, query
// and body (400 naming the fields), an authorization hook, and errors turned into a JSON
// 500 that never leaks internals (the details go to the server log with an id).
import { z } from "zod";
import { authorizeApiRequest, type Access, type Principal, type Role } from "@/lib/auth";
import { principalOf } from "./session";

export type { Access, Principal, Role };

export interface RouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  params?: P;
  query?: Q;
  body?: B;
  /** The least role the caller needs (default viewer); "public" for sign-in and setup only. */
  role?: Access;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: Request;
  /** The signed-in member; null only on public routes. */
  principal: Principal | null;
}

/** A Response, or any JSON-serializable value answered as 200 JSON. */
export type RouteResult = Response | Record<string, unknown> | unknown[];

/** Next's second handler argument (dynamic segments arrive as a promise). */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/** Throw from a handler to answer `status` with `{ error: message }` (no stack, no internals). */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "RouteError";
  }
}

/**
 * The authorization hook: the caller when the request may proceed, else the Response
 * to send (401 without a session, 403 for a lesser role, a cross-site write or a share token).
 */
export async function authorizeRequest(request: Request, access: Access): Promise<{ denied: Response } | { principal: Principal | null }> {
  const decision = await authorizeApiRequest(request, access, principalOf);
  if (!decision.ok) return { denied: Response.json({ error: decision.error }, { status: decision.status }) };
  return { principal: decision.principal };
}

/** The signed-in member of a non-public route (route() guarantees one). */
export function signedIn(principal: Principal | null): Principal {
  if (!principal) throw new RouteError(401, "sign in first");
  return principal;
}

export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<Parsed<P>, Parsed<Q>, Parsed<B>>) => Promise<RouteResult> | RouteResult,
): (request: Request, context: RouteContext) => Promise<Response> {
  return async (request, context) => {
    try {
      const authorized = await authorizeRequest(request, spec.role ?? "viewer");
      if ("denied" in authorized) return authorized.denied;

      const fields: Record<string, string[]> = {};
      const params = validate("params", spec.params, await context.params, fields);
      const query = validate("query", spec.query, Object.fromEntries(new URL(request.url).searchParams), fields);
      let rawBody: unknown = undefined;
      if (spec.body) {
        const text = await request.text();
        try {
          rawBody = text === "" ? undefined : JSON.parse(text);
        } catch {
          return Response.json({ error: "the request body is not valid JSON", fields: { body: ["not valid JSON"] } }, { status: 400 });
        }
      }
      const body = validate("body", spec.body, rawBody, fields);
      if (!params.ok || !query.ok || !body.ok) {
        return Response.json({ error: `invalid request: ${Object.keys(fields).join(", ")}`, fields }, { status: 400 });
      }
      const result = await handler({ params: params.value, query: query.value, body: body.value, request, principal: authorized.principal });
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      if (error instanceof RouteError) return Response.json({ error: error.message, ...error.details }, { status: error.status });
      const id = crypto.randomUUID();
      console.error(`[api ${id}] ${request.method} ${new URL(request.url).pathname}`, error);
      return Response.json({ error: "internal server error", id }, { status: 500 });
    }
  };
}

type Validated<S> = { ok: true; value: Parsed<S> } | { ok: false };

/** Parses one part of the request; issues are recorded under "part.path" field names. */
function validate<S extends z.ZodType | undefined>(part: string, schema: S | undefined, raw: unknown, fields: Record<string, string[]>): Validated<S> {
  let value: unknown = undefined;
  if (schema !== undefined) {
    const result = schema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const name = [part, ...issue.path.map(String)].join(".");
        (fields[name] ??= []).push(issue.message);
      }
      return { ok: false };
    }
    value = result.data;
  }
  // Parsed<S> is what the schema outputs (undefined without one); TypeScript cannot
  // narrow a conditional type on a generic parameter, so this is the one cast.
  return { ok: true, value: value as Parsed<S> };
}
