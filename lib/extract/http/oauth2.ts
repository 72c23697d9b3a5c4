// OAuth2 access tokens (client credentials or refresh token grant), cached until they expire.
import { z } from "zod";
import { ExtractHttpError } from "./errors";
import { parseJsonBody } from "./json-body";
import { requestWithRetries, statusError, type HttpRequest, type RequestPolicy } from "./request";
import { headerValueProblem } from "../../secrets/secrets";

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).optional(),
  refresh_token: z.string().min(1).optional(),
});

/** Refresh a little before the server's expiry, so a token does not die in flight. */
const MAX_EXPIRY_MARGIN_SECONDS = 30;

export type OAuth2Grant =
  | { type: "oauth2_client_credentials"; token_url: string; client_id: string; client_secret: string; scope?: string }
  | {
      type: "oauth2_refresh_token";
      token_url: string;
      client_id: string;
      client_secret?: string;
      refresh_token: string;
    };

export class OAuth2TokenSource {
  private cached: { token: string; expiresAt: number } | undefined;
  private requesting: Promise<{ token: string; expiresAt: number }> | undefined;
  private refreshToken: string | undefined;

  constructor(
    private readonly grant: OAuth2Grant,
    private readonly policy: RequestPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.refreshToken = grant.type === "oauth2_refresh_token" ? grant.refresh_token : undefined;
  }

  async accessToken(): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.expiresAt) return this.cached.token;
    // One token request at a time: pages requested ahead each want one, and a rotated refresh token is good once.
    this.requesting ??= this.requestToken().finally(() => {
      this.requesting = undefined;
    });
    const fresh = await this.requesting;
    this.cached = fresh;
    return fresh.token;
  }

  /**
   * Forget the cached token (the API said 401 to `refused`); the next call fetches a new one.
   * A token fetched since `refused` was sent (by a request in flight beside it) is kept.
   */
  invalidate(refused?: string): void {
    if (refused === undefined || this.cached?.token === refused) this.cached = undefined;
  }

  private formBody(): URLSearchParams {
    const form = new URLSearchParams();
    const grant = this.grant;
    switch (grant.type) {
      case "oauth2_client_credentials":
        form.set("grant_type", "client_credentials");
        if (grant.scope !== undefined) form.set("scope", grant.scope);
        break;
      case "oauth2_refresh_token":
        form.set("grant_type", "refresh_token");
        form.set("refresh_token", this.refreshToken ?? grant.refresh_token);
        break;
      default: {
        const unreachable: never = grant;
        throw new Error(`unknown grant ${String(unreachable)}`);
      }
    }
    form.set("client_id", grant.client_id);
    if (grant.client_secret !== undefined) form.set("client_secret", grant.client_secret);
    return form;
  }

  private async requestToken(): Promise<{ token: string; expiresAt: number }> {
    const { redactor } = this.policy;
    const request: HttpRequest = {
      method: "POST",
      url: this.grant.token_url,
      headers: new Headers({ "content-type": "application/x-www-form-urlencoded", accept: "application/json" }),
      body: this.formBody().toString(),
    };
    const response = await requestWithRetries(request, this.policy);
    if (response.status < 200 || response.status >= 300) {
      throw statusError(request, response, redactor, "token request failed: ");
    }
    const redactedUrl = redactor.redact(request.url);
    const parsed = tokenResponseSchema.safeParse(parseJsonBody(response.body.text, redactedUrl, response.attempts));
    if (!parsed.success) {
      // Never echo the body: it may hold tokens we have not learned to redact yet.
      const fields = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
      throw new ExtractHttpError(`token response from ${redactedUrl} is not an OAuth2 token response (${fields})`, {
        url: redactedUrl,
        attempts: response.attempts,
      });
    }
    const { access_token, expires_in, refresh_token } = parsed.data;
    redactor.add(access_token);
    if (refresh_token !== undefined) redactor.add(refresh_token);
    // Headers would throw with the token in its message.
    const problem = headerValueProblem(access_token);
    if (problem !== undefined) {
      throw new ExtractHttpError(`the access_token from ${redactedUrl} ${problem}`, { url: redactedUrl, attempts: response.attempts });
    }
    if (refresh_token !== undefined) {
      this.refreshToken = refresh_token; // servers that rotate refresh tokens revoke the old one
    }
    const expiresAt =
      expires_in === undefined
        ? Number.POSITIVE_INFINITY
        : this.now() + (expires_in - Math.min(MAX_EXPIRY_MARGIN_SECONDS, expires_in * 0.1)) * 1000;
    return { token: access_token, expiresAt };
  }
}
