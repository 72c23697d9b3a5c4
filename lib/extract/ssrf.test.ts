// Issue 12, finding 4: every loopback spelling reached a local service through an extract,
// and its body came back as preview rows. The SSRF corpus, through the extract's own
// request path (fetchPages) and the preview, against real servers on 127.0.0.1 and ::1,
// with the outbound policy on (nothing but the internet) and off (loopback and the local
// network allowed: link-local, metadata and unspecified addresses are refused all the same).
// Names resolve through a fixed table (the test's hosts file); sockets and servers are real.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { ExtractHttpError } from "./http/errors";
import { collectPages, rejectionOf } from "./http/test-helpers";
import { sendJson, startTestServer, type TestServer } from "./http/test-server";
import { previewExtract } from "./preview";
import type { OutboundPolicy, Resolve, ResolvedAddress } from "../outbound";

const INTERNAL = "internal-admin-page-3e1f";
const on: OutboundPolicy = { allowLoopback: false, allowPrivate: false };
const off: OutboundPolicy = { allowLoopback: true, allowPrivate: true };

let v4: TestServer;
let v6: TestServer;
const received = () => v4.requests.length + v6.requests.length;

beforeAll(async () => {
  const answer = (_request: unknown, response: Parameters<typeof sendJson>[0]) => sendJson(response, 200, [{ secret_data: INTERNAL }]);
  [v4, v6] = await Promise.all([startTestServer(answer), startTestServer(answer, { host: "::1" })]);
});
afterAll(async () => {
  await Promise.all([v4?.close(), v6?.close()]);
});

const a = (address: string, family: 4 | 6 = 4): ResolvedAddress => ({ address, family });
let rebindLookups = 0;
const hosts: Record<string, () => ResolvedAddress[]> = {
  "metadata.test": () => [a("169.254.169.254")],
  "intranet.test": () => [a("10.1.2.3")],
  "loopback6.test": () => [a("::1", 6)],
  // DNS rebinding: the first answer passes, every later one points into the local network.
  "rebind.test": () => (rebindLookups++ === 0 ? [a("127.0.0.1")] : [a("10.1.2.3")]),
};
const resolve: Resolve = async (hostname) => {
  const answer = hosts[hostname];
  if (answer !== undefined) return answer();
  if (hostname === "localhost") return [a("127.0.0.1")];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
};

/** Every spelling of this machine that reached a local service (port: the server that would answer). */
const loopbackSpellings = (): [string, TestServer][] => [
  ["127.0.0.1", v4],
  ["127.1", v4],
  ["2130706433", v4],
  ["0x7f.1", v4],
  ["0x7f000001", v4],
  ["0177.0.0.1", v4],
  ["127.000.000.001", v4],
  ["localhost", v4],
  ["[::ffff:127.0.0.1]", v4],
  ["[::ffff:7f00:1]", v4],
  ["[::1]", v6],
  ["[0:0:0:0:0:0:0:1]", v6],
  ["loopback6.test", v6],
];

async function extract(host: string, port: number | undefined, outbound: OutboundPolicy): Promise<{ rows: unknown[] } | { error: Error }> {
  const base_url = `http://${host}${port === undefined ? "" : `:${port}`}/`;
  try {
    const pages = await collectPages({ base_url, retries: { max_attempts: 3, backoff: 0.01 } }, { outbound, resolve });
    return { rows: pages.flatMap((page) => page.records) };
  } catch (error) {
    if (error instanceof Error) return { error };
    throw error;
  }
}

describe("the SSRF corpus through an extract", () => {
  it("policy off: every loopback spelling reaches the local server (the corpus is real)", async () => {
    for (const [host, server] of loopbackSpellings()) {
      expect(await extract(host, server.port, off), host).toEqual({ rows: [{ secret_data: INTERNAL }] });
    }
  });

  it("policy on: every loopback spelling is refused before a connection, once, without retries", async () => {
    const before = received();
    for (const [host, server] of loopbackSpellings()) {
      const outcome = await extract(host, server.port, on);
      if (!("error" in outcome)) throw new Error(`${host} was not refused`);
      expect(outcome.error, host).toBeInstanceOf(ExtractHttpError);
      expect(outcome.error.message, host).toMatch(/(is|resolves to) a loopback address, and requests to this machine are off \(ASSETBOOK_OUTBOUND_ALLOW\)$/);
      expect(outcome.error.message).not.toContain("attempts");
      expect(outcome.error.message).not.toContain(INTERNAL);
    }
    expect(received()).toBe(before);
  });

  it("link-local, metadata and unspecified addresses are refused even with the policy off", async () => {
    const before = received();
    const always: [string, number | undefined, string][] = [
      // 0.0.0.0 and [::] connect to this machine on Linux: the servers would answer them.
      ["0.0.0.0", v4.port, "an unspecified address (0.0.0.0 or ::)"],
      ["0", v4.port, "an unspecified address (0.0.0.0 or ::)"],
      ["[::]", v6.port, "an unspecified address (0.0.0.0 or ::)"],
      ["169.254.169.254", undefined, "a cloud metadata address"],
      ["2852039166", undefined, "a cloud metadata address"], // 169.254.169.254 in decimal
      ["[fd00:ec2::254]", undefined, "a cloud metadata address"],
      ["[::ffff:169.254.169.254]", undefined, "a cloud metadata address"],
      ["100.100.100.200", undefined, "a cloud metadata address"],
      ["metadata.test", undefined, "a cloud metadata address"],
      ["169.254.10.1", undefined, "a link-local address"],
      ["[fe80::1]", undefined, "a link-local address"],
      ["224.0.0.1", undefined, "a reserved address (multicast, broadcast or documentation)"],
    ];
    for (const [host, port, kind] of always) {
      const outcome = await extract(host, port, off);
      expect("error" in outcome ? outcome.error.message : "reached", host).toContain(`${kind}, which is never allowed`);
    }
    expect(received()).toBe(before);
  });

  it("policy on, and the development default: the local network is refused in every spelling", async () => {
    const privateHosts = [
      "10.0.0.1",
      "012.0.0.1", // octal 10.0.0.1
      "167772161", // decimal 10.0.0.1
      "0xa.0.0.1",
      "172.16.0.1",
      "192.168.1.1",
      "100.64.0.1", // CGNAT
      "[fc00::1]",
      "[fd12:3456::1]",
      "[::ffff:10.0.0.1]",
      "[64:ff9b::a00:1]", // NAT64 of 10.0.0.1
      "[::a00:1]", // IPv4-compatible 10.0.0.1
      "intranet.test",
    ];
    for (const host of privateHosts) {
      for (const policy of [on, { allowLoopback: true, allowPrivate: false }]) {
        const outcome = await extract(host, 80, policy);
        expect("error" in outcome ? outcome.error.message : "reached", host).toMatch(/a private-network address, and requests to the local network are off/);
      }
    }
  });

  it("a same-origin redirect whose name now resolves elsewhere (DNS rebinding) is refused at the new connection", async () => {
    const api = await startTestServer((request, response) => {
      // Close the connection, so following the redirect needs a new one (and a new lookup).
      if (request.url === "/") response.writeHead(302, { location: "/next", connection: "close" }).end();
      else sendJson(response, 200, [{ secret_data: INTERNAL }]);
    });
    try {
      rebindLookups = 0;
      const error = await rejectionOf(collectPages({ base_url: `http://rebind.test:${api.port}/` }, { outbound: { allowLoopback: true, allowPrivate: false }, resolve }));
      expect(error.message).toBe(`GET http://rebind.test:${api.port}/: rebind.test resolves to a private-network address, and requests to the local network are off (ASSETBOOK_OUTBOUND_ALLOW)`);
      expect(api.requests.map((r) => r.url)).toEqual(["/"]);
      expect(rebindLookups).toBe(2);
    } finally {
      await api.close();
    }
  });
});

describe("the SSRF corpus through a preview", () => {
  const notebook = (baseUrl: string) => `\`\`\`extract probe\nsource: rest\nbase_url: ${baseUrl}\n\`\`\`\n`;
  const preview = (baseUrl: string, outbound: OutboundPolicy | undefined) =>
    previewExtract({ text: notebook(baseUrl), file: "probe.md", cell: "probe", openWarehouse: () => openDuckDbWarehouse({ path: ":memory:" }), resolveSecret: () => undefined, outbound });

  it("with the policy on, a local service's body never comes back as preview rows", async () => {
    const before = received();
    const refused = await preview(`http://127.1:${v4.port}/`, on);
    expect(refused).toEqual({
      ok: false,
      reason: "failed",
      error: `cell "probe": GET http://127.0.0.1:${v4.port}/: 127.0.0.1 is a loopback address, and requests to this machine are off (ASSETBOOK_OUTBOUND_ALLOW)`,
    });
    expect(received()).toBe(before);
    // The development default (no policy given) allows loopback: the examples work.
    expect(await preview(`http://127.1:${v4.port}/`, undefined)).toMatchObject({ ok: true, rows: 1 });
    expect(await preview("http://169.254.169.254/latest/meta-data/", undefined)).toMatchObject({ ok: false, error: expect.stringContaining("a cloud metadata address, which is never allowed") });
  });
});
