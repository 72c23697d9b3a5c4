// DuckDB's spelling of a STRUCT type, `STRUCT(a BIGINT, "my field" STRUCT(b VARCHAR))`, read
// back as its fields (name and type text). Lists of structs (`STRUCT(...)[]`) and other types
// are not structs: null.

/** The fields of a STRUCT type, in order; null for any other type. */
export function parseDuckdbStructType(type: string): { name: string; type: string }[] | null {
  const text = type.trim();
  if (!/^STRUCT\(/i.test(text) || !text.endsWith(")")) return null;
  const inner = text.slice("STRUCT(".length, -1);
  // `STRUCT(a INT)[]` ends with "]", and `STRUCT(a INT)[] ... )` cannot close the outer one.
  if (closingParen(text, "STRUCT".length) !== text.length - 1) return null;
  const fields: { name: string; type: string }[] = [];
  for (const part of splitTopLevel(inner)) {
    const field = parseField(part.trim());
    if (field === null) return null;
    fields.push(field);
  }
  return fields;
}

function parseField(text: string): { name: string; type: string } | null {
  if (text.startsWith('"')) {
    let i = 1;
    let name = "";
    while (i < text.length) {
      const char = text.charAt(i);
      if (char === '"') {
        if (text.charAt(i + 1) === '"') {
          name += '"';
          i += 2;
          continue;
        }
        const type = text.slice(i + 1).trim();
        return type === "" ? null : { name, type };
      }
      name += char;
      i++;
    }
    return null;
  }
  const space = text.search(/\s/);
  if (space <= 0) return null;
  return { name: text.slice(0, space), type: text.slice(space + 1).trim() };
}

/** Index of the ")" that closes the "(" at `open`; -1 when none does. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '"') quoted = !quoted;
    if (quoted) continue;
    if (char === "(") depth++;
    else if (char === ")" && --depth === 0) return i;
  }
  return -1;
}

/** Splits at the commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '"') quoted = !quoted;
    if (quoted) continue;
    if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
