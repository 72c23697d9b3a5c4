import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { open, parseSecretKey, seal, SecretDecryptionError } from "./secret-box";
import { storeCases } from "./test-stores";

describe("ASSETBOOK_SECRET_KEY", () => {
  const key = randomBytes(32);
  test("accepts 32 bytes as hex, base64 or base64url", () => {
    expect(parseSecretKey({ ASSETBOOK_SECRET_KEY: key.toString("hex") })).toEqual(key);
    expect(parseSecretKey({ ASSETBOOK_SECRET_KEY: key.toString("base64") })).toEqual(key);
    expect(parseSecretKey({ ASSETBOOK_SECRET_KEY: ` ${key.toString("base64url")}\n` })).toEqual(key);
  });
  test("refuses a missing, short or malformed key with a message naming it", () => {
    expect(() => parseSecretKey({})).toThrow(/ASSETBOOK_SECRET_KEY is not set/);
    expect(() => parseSecretKey({ ASSETBOOK_SECRET_KEY: randomBytes(16).toString("base64") })).toThrow(/must be 32 bytes/);
    expect(() => parseSecretKey({ ASSETBOOK_SECRET_KEY: "correct horse battery staple" })).toThrow(/must be 32 bytes/);
  });
});

describe("seal / open", () => {
  const key = randomBytes(32);
  test("round trip; a fresh IV each time", () => {
    const a = seal(key, "value", "ctx");
    const b = seal(key, "value", "ctx");
    expect(open(key, a, "ctx")).toBe("value");
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false);
  });
  test("a wrong key, other associated data or a flipped bit fail", () => {
    const sealed = seal(key, "value", "ctx");
    expect(() => open(randomBytes(32), sealed, "ctx")).toThrow(SecretDecryptionError);
    expect(() => open(key, sealed, "other")).toThrow(SecretDecryptionError);
    const flipped = Uint8Array.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => open(key, { ...sealed, ciphertext: flipped }, "ctx")).toThrow(SecretDecryptionError);
  });
});

describe("catalog environment", () => {
  test("the store suite requires PostgreSQL in CI and only warns elsewhere", () => {
    expect(storeCases({ CI: "true" }).postgresMissingInCi).toMatch(/TEST_DATABASE_URL/);
    expect(storeCases({}).postgresSkipped).toMatch(/TEST_DATABASE_URL/);
    expect(storeCases({}).cases.map((c) => c.name)).toEqual(["embedded"]);
    const both = storeCases({ CI: "true", TEST_DATABASE_URL: "postgresql://u:p@127.0.0.1/db" });
    expect([both.cases.map((c) => c.name), both.postgresMissingInCi]).toEqual([["embedded", "postgres"], null]);
  });
});
