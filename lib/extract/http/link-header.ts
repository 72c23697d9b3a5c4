// RFC 8288 Link header parsing: `<uri>; rel="next prev"; title="a, b", <uri2>; rel=last`.

export interface Link {
  /** The target as written (may be relative). */
  target: string;
  /** Relation types, lowercased; `rel="next prev"` gives two. */
  rels: string[];
  /** Other parameters, names lowercased; the first occurrence wins. */
  params: Record<string, string>;
}

const WHITESPACE = /[ \t]/;

export function parseLinkHeader(header: string): Link[] {
  const links: Link[] = [];
  let pos = 0;

  const skipWhitespace = () => {
    while (pos < header.length && WHITESPACE.test(header.charAt(pos))) pos++;
  };
  // A malformed link value is dropped: skip to the next top-level comma.
  const skipToNextLink = () => {
    let quoted = false;
    while (pos < header.length) {
      const char = header.charAt(pos);
      if (quoted && char === "\\") pos++;
      else if (char === '"') quoted = !quoted;
      else if (char === "," && !quoted) return;
      pos++;
    }
  };
  const readToken = () => {
    const start = pos;
    while (pos < header.length && !/[\s;,="]/.test(header.charAt(pos))) pos++;
    return header.slice(start, pos);
  };
  const readQuoted = () => {
    pos++; // opening quote
    let value = "";
    while (pos < header.length && header.charAt(pos) !== '"') {
      if (header.charAt(pos) === "\\") pos++;
      value += header.charAt(pos);
      pos++;
    }
    pos++; // closing quote
    return value;
  };

  while (pos < header.length) {
    skipWhitespace();
    if (header.charAt(pos) === ",") {
      pos++;
      continue;
    }
    if (pos >= header.length) break;
    if (header.charAt(pos) !== "<") {
      skipToNextLink();
      continue;
    }
    const close = header.indexOf(">", pos);
    if (close === -1) break;
    const target = header.slice(pos + 1, close).trim();
    pos = close + 1;

    const params: Record<string, string> = {};
    for (;;) {
      skipWhitespace();
      if (header.charAt(pos) !== ";") break;
      pos++;
      skipWhitespace();
      const name = readToken().toLowerCase();
      skipWhitespace();
      let value = "";
      if (header.charAt(pos) === "=") {
        pos++;
        skipWhitespace();
        value = header.charAt(pos) === '"' ? readQuoted() : readToken();
      }
      if (name !== "" && !(name in params)) params[name] = value;
    }
    skipToNextLink();

    const rels = (params.rel ?? "").split(/\s+/).filter((rel) => rel !== "").map((rel) => rel.toLowerCase());
    links.push({ target, rels, params });
  }
  return links;
}

/** The absolute URL of the first link with relation `rel`, resolved against `currentUrl`. */
export function findLink(header: string | null, rel: string, currentUrl: string): string | undefined {
  if (header === null) return undefined;
  const wanted = rel.toLowerCase();
  const link = parseLinkHeader(header).find((candidate) => candidate.rels.includes(wanted));
  if (link === undefined || !URL.canParse(link.target, currentUrl)) return undefined;
  return new URL(link.target, currentUrl).href;
}
