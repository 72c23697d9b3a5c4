// outboundFetch against real loopback servers: the policy holds at the connection, for an
// address in the URL, a name that resolves to a denied address (any one of several), and a
// redirect followed by hand (none is followed here). Names resolve through a fixed table (a hosts file
// for the test), the one seam: the sockets and servers are real.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../extract/http/test-server";
import { outboundFetch, type Resolve, type ResolvedAddress } from "./fetch";
import { denialOf, type OutboundPolicy } from "./policy";

const none: OutboundPolicy = { allowLoopback: false, allowPrivate: false };
const loopbackOnly: OutboundPolicy = { allowLoopback: true, allowPrivate: false };

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const hosts: Record<string, ResolvedAddress[]> = {
  "api.test": [v4("127.0.0.1")],
  "metadata.test": [v4("169.254.169.254")],
  "intranet.test": [v4("10.1.2.3")],
  // One good address is not enough: every address a name resolves to must pass.
  "mixed.test": [v4("127.0.0.1"), v4("10.1.2.3")],
};
const table: Resolve = async (hostname) => {
  const found = hosts[hostname];
  if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return found;
};

let server: TestServer;
let redirectTo = "";

beforeAll(async () => {
  server = await startTestServer((request, response) => {
    if (request.url === "/redirect") {
      response.writeHead(302, { location: redirectTo });
      response.end();
    } else response.end("reached");
  });
});
afterAll(() => server?.close());

/** What a fetch came to: the body, or the policy's refusal, or another failure. */
async function attempt(policy: OutboundPolicy, url: string): Promise<string> {
  try {
    const response = await outboundFetch(policy, table)(url, {});
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body) chunks.push(chunk);
    return `${response.status} ${Buffer.concat(chunks).toString("utf8")}`;
  } catch (error) {
    const denied = denialOf(error);
    if (denied !== undefined) return `denied ${denied.kind}`;
    return `failed ${error instanceof Error ? String(error.cause ?? error.message) : String(error)}`;
  }
}

describe("outboundFetch", () => {
  it("reaches a loopback server only when loopback is allowed, by address and by name", async () => {
    const before = server.requests.length;
    expect(await attempt(none, `http://127.0.0.1:${server.port}/`)).toBe("denied loopback");
    expect(await attempt(none, `http://api.test:${server.port}/`)).toBe("denied loopback");
    expect(server.requests.length).toBe(before);
    expect(await attempt(loopbackOnly, `http://127.0.0.1:${server.port}/`)).toBe("200 reached");
    expect(await attempt(loopbackOnly, `http://api.test:${server.port}/`)).toBe("200 reached");
  });

  it("refuses a name that resolves to a denied address, or to several of which one is denied", async () => {
    expect(await attempt(loopbackOnly, `http://metadata.test:${server.port}/`)).toBe("denied metadata");
    expect(await attempt(loopbackOnly, `http://intranet.test:${server.port}/`)).toBe("denied private");
    expect(await attempt(loopbackOnly, `http://mixed.test:${server.port}/`)).toBe("denied private");
  });

  it("never follows a redirect itself; one followed by hand to a denied address or name is refused", async () => {
    const targets: [string, string][] = [
      ["http://169.254.169.254/latest/meta-data/", "metadata"],
      ["http://[fd00:ec2::254]/latest/meta-data/", "metadata"],
      [`http://metadata.test:${server.port}/`, "metadata"],
      [`http://0.0.0.0:${server.port}/`, "unspecified"],
    ];
    for (const [target, kind] of targets) {
      redirectTo = target;
      expect(await attempt(loopbackOnly, `http://127.0.0.1:${server.port}/redirect`), target).toBe("302 ");
      expect(await attempt(loopbackOnly, target), target).toBe(`denied ${kind}`);
    }
    // The same redirect to an allowed place is reached: the refusals above are the policy's.
    redirectTo = `http://api.test:${server.port}/`;
    expect(await attempt(loopbackOnly, `http://127.0.0.1:${server.port}/redirect`)).toBe("302 ");
    expect(await attempt(loopbackOnly, redirectTo)).toBe("200 reached");
  });

  it("asks for compressed bodies and reads them decompressed as fetch does (gzip, deflate, br, error bodies too); an unknown coding as it came", async () => {
    const encoders: Record<string, (text: string) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync, "x-unknown": (text) => Buffer.from(text) };
    const compressed = await startTestServer((request, response) => {
      const [, coding = "", status = "200"] = request.url.split("/");
      const encode = encoders[coding];
      if (encode === undefined || request.headers["accept-encoding"] !== "gzip, deflate, br") return void response.writeHead(400).end("not asked");
      response.writeHead(Number(status), { "content-encoding": coding }).end(encode(`${coding} ${status}`));
    });
    const odd = await startTestServer((request, response) => {
      const whole = gzipSync("cut short");
      if (request.url === "/raw-deflate") response.writeHead(200, { "content-encoding": "deflate" }).end(deflateRawSync("raw deflate"));
      else if (request.url === "/cut") response.writeHead(200, { "content-encoding": "gzip" }).end(whole.subarray(0, whole.length - 8));
      else if (request.url === "/no-content") response.writeHead(204, { "content-encoding": "gzip" }).end();
      else response.writeHead(200, { "content-encoding": "gzip, gzip, gzip, gzip, gzip, gzip" }).end("x");
    });
    try {
      for (const coding of ["gzip", "deflate", "br", "x-unknown"]) {
        expect(await attempt(loopbackOnly, `http://127.0.0.1:${compressed.port}/${coding}/200`)).toBe(`200 ${coding} 200`);
        expect(await attempt(loopbackOnly, `http://127.0.0.1:${compressed.port}/${coding}/404`)).toBe(`404 ${coding} 404`);
      }
      // As fetch reads them: raw deflate, a gzip body without its trailer, no body at all; and refuses six codings.
      expect(await attempt(loopbackOnly, `http://127.0.0.1:${odd.port}/raw-deflate`)).toBe("200 raw deflate");
      expect(await attempt(loopbackOnly, `http://127.0.0.1:${odd.port}/cut`)).toBe("200 cut short");
      expect(await attempt(loopbackOnly, `http://127.0.0.1:${odd.port}/no-content`)).toBe("204 ");
      expect(await attempt(loopbackOnly, `http://127.0.0.1:${odd.port}/many`)).toBe("failed the response has 6 content codings, more than 5");
    } finally {
      await odd.close();
      await compressed.close();
    }
  });

  it("fetches only http and https", async () => {
    expect(await attempt(loopbackOnly, "data:text/plain,hello")).toBe("failed data: URLs are not fetched, only http: and https:");
    expect(await attempt(loopbackOnly, "file:///etc/passwd")).toBe("failed file: URLs are not fetched, only http: and https:");
  });
});
