import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhook";

describe("push webhook signatures", () => {
  const secret = "a webhook secret of some length";
  const body = JSON.stringify({ ref: "refs/heads/main", after: "0".repeat(40) });

  it("accepts GitHub's signature of the raw body and nothing else", () => {
    // The value GitHub documents for its test vector: HMAC-SHA256("It's a Secret to Everybody", "Hello, World!").
    expect(signWebhook("It's a Secret to Everybody", "Hello, World!")).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    expect(verifyWebhook(secret, body, signWebhook(secret, body))).toBe(true);
    expect(verifyWebhook(secret, `${body} `, signWebhook(secret, body))).toBe(false);
    expect(verifyWebhook("another secret entirely", body, signWebhook(secret, body))).toBe(false);
    expect(verifyWebhook(secret, body, "sha256=")).toBe(false);
    expect(verifyWebhook(secret, body, "")).toBe(false);
  });
});
