// Applying a cell's `auth` to each request.
import { OAuth2TokenSource } from "./oauth2";
import type { RequestPolicy } from "./request";
import { checkDerivedDestination, resolveSecretValue, type Redactor, type SecretResolver, type SecretUse } from "../../secrets/secrets";
import type { AuthSpec } from "./spec";

export interface Authenticator {
  /** Adds credentials to one request. */
  apply(url: URL, headers: Headers): Promise<void>;
  /**
   * After a 401 to a request sent with `sent`: drop the cached credentials it carried, so the
   * next apply gets fresh ones (not those another request in flight fetched since). False when
   * that cannot help.
   */
  invalidate(sent: Headers): boolean;
}

/** The token URL, or an error naming the field (no request can be made without it). */
function tokenUrlOf(tokenUrl: string): URL {
  if (!URL.canParse(tokenUrl)) throw new Error(`auth.token_url: "${tokenUrl}" is not a URL`);
  return new URL(tokenUrl);
}

/**
 * An OAuth2 access token carries the binding of the credentials that minted it: a token
 * from host-bound client credentials goes only to base_url hosts those credentials allow.
 */
function checkTokenDestination(auth: Extract<AuthSpec, { type: "oauth2_client_credentials" | "oauth2_refresh_token" }>, apiUrl: URL, resolveSecret: SecretResolver): void {
  const credentials: [string, string | undefined][] = [
    ["client_id", auth.client_id],
    ["client_secret", auth.client_secret],
    ["refresh_token", auth.type === "oauth2_refresh_token" ? auth.refresh_token : undefined],
  ];
  for (const [key, value] of credentials) checkDerivedDestination(value, `auth.${key}`, apiUrl, resolveSecret, "an access token minted with");
}

/**
 * The same auth spec with every `secret:NAME` replaced by its value (and registered for
 * redaction). Each secret is checked against where it goes: `apiUrl` (the request), or
 * `token_url` for what an OAuth2 grant sends to the token endpoint (and the token it
 * gets back against `apiUrl`). Values bound for a header must fit in one.
 */
export function resolveAuthSecrets(auth: AuthSpec, apiUrl: URL, resolveSecret: SecretResolver, redactor: Redactor): AuthSpec {
  const to =
    (destination: URL, use: SecretUse = "url_or_body") =>
    (value: string, key: string) =>
      resolveSecretValue(value, `auth.${key}`, destination, resolveSecret, redactor, use);
  switch (auth.type) {
    case "bearer": {
      const resolve = to(apiUrl, "header");
      return { ...auth, token: resolve(auth.token, "token") };
    }
    case "api_key": {
      const resolve = to(apiUrl, auth.in === "query" ? "url_or_body" : "header");
      return { ...auth, value: resolve(auth.value, "value") };
    }
    case "basic": {
      const resolve = to(apiUrl);
      return { ...auth, username: resolve(auth.username, "username"), password: resolve(auth.password, "password") };
    }
    case "oauth2_client_credentials": {
      const resolve = to(tokenUrlOf(auth.token_url));
      const resolved = { ...auth, client_id: resolve(auth.client_id, "client_id"), client_secret: resolve(auth.client_secret, "client_secret") };
      checkTokenDestination(auth, apiUrl, resolveSecret);
      return resolved;
    }
    case "oauth2_refresh_token": {
      const resolve = to(tokenUrlOf(auth.token_url));
      const resolved = {
        ...auth,
        client_id: resolve(auth.client_id, "client_id"),
        client_secret: auth.client_secret === undefined ? undefined : resolve(auth.client_secret, "client_secret"),
        refresh_token: resolve(auth.refresh_token, "refresh_token"),
      };
      checkTokenDestination(auth, apiUrl, resolveSecret);
      return resolved;
    }
    default: {
      const unreachable: never = auth;
      throw new Error(`unknown auth type ${String(unreachable)}`);
    }
  }
}

const staticAuthenticator = (apply: (url: URL, headers: Headers) => void): Authenticator => ({
  apply: async (url, headers) => apply(url, headers),
  invalidate: () => false,
});

/** `auth` must already have its secrets resolved. */
export function createAuthenticator(auth: AuthSpec | undefined, policy: RequestPolicy): Authenticator {
  if (auth === undefined) return staticAuthenticator(() => {});
  switch (auth.type) {
    case "bearer":
      return staticAuthenticator((_url, headers) => headers.set("authorization", `Bearer ${auth.token}`));
    case "api_key": {
      const location = auth.in ?? "header";
      return staticAuthenticator((url, headers) => {
        if (location === "query") url.searchParams.set(auth.name, auth.value);
        else headers.set(auth.name, auth.value);
      });
    }
    case "basic": {
      const credentials = Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64");
      policy.redactor.add(credentials);
      return staticAuthenticator((_url, headers) => headers.set("authorization", `Basic ${credentials}`));
    }
    case "oauth2_client_credentials":
    case "oauth2_refresh_token": {
      const tokens = new OAuth2TokenSource(auth, policy);
      return {
        apply: async (_url, headers) => headers.set("authorization", `Bearer ${await tokens.accessToken()}`),
        invalidate: (sent) => {
          tokens.invalidate(sent.get("authorization")?.replace(/^Bearer /, ""));
          return true;
        },
      };
    }
    default: {
      const unreachable: never = auth;
      throw new Error(`unknown auth type ${String(unreachable)}`);
    }
  }
}
