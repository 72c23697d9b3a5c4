// A page of records counted straight from its UTF-8 bytes, without building them. A REST
// extract that spools its pages (rest-spool.ts) needs only how many records each page holds
// (its paginator, its progress, its write batches) and how many child rows their lists
// bring (the batches count those too); decoding and parsing every page cost it most of its
// time. The scan checks the JSON grammar as JSON.parse does, so a body it accepts parses,
// and one it refuses is parsed for its located error as before.

export interface RecordScan {
  /** Elements of the array: the records. */
  records: number;
  /** Rows their lists bring: RecordFlattener.childRows summed over the records. */
  childRows: number;
}

const OBJECT = 0;
const ARRAY = 1;
/** A container whose contents bring no child rows (too deep, or inside a record that is not an object). */
const SKIP = -1;
/** The page's own array: its elements are the records. */
const RECORDS = -2;

/** Bytes that may stand between tokens (JSON's whitespace). */
export function isBlank(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;
const isHex = (byte: number | undefined): boolean =>
  byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));

/** Past the string that opens at `at` (its quote); -1 when it is not a valid one. */
export function skipString(bytes: Uint8Array, at: number): number {
  let i = at + 1;
  for (;;) {
    const byte = bytes[i];
    if (byte === undefined || byte < 0x20) return -1;
    if (byte === 0x22) return i + 1;
    if (byte !== 0x5c) {
      i++;
      continue;
    }
    const escape = bytes[i + 1];
    if (escape === 0x75) {
      if (!isHex(bytes[i + 2]) || !isHex(bytes[i + 3]) || !isHex(bytes[i + 4]) || !isHex(bytes[i + 5])) return -1;
      i += 6;
    } else if (escape === 0x22 || escape === 0x5c || escape === 0x2f || escape === 0x62 || escape === 0x66 || escape === 0x6e || escape === 0x72 || escape === 0x74) {
      i += 2;
    } else {
      return -1;
    }
  }
}

/** Past the number that starts at `at`; -1 when it is not one JSON allows. */
function skipNumber(bytes: Uint8Array, at: number): number {
  let i = at;
  if (bytes[i] === 0x2d) i++;
  if (bytes[i] === 0x30) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return -1;
  if (bytes[i] === 0x2e) {
    i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  return i;
}

const LITERALS: Record<number, readonly number[]> = {
  0x74: [0x74, 0x72, 0x75, 0x65], // true
  0x66: [0x66, 0x61, 0x6c, 0x73, 0x65], // false
  0x6e: [0x6e, 0x75, 0x6c, 0x6c], // null
};

/** Past the literal that starts at `at`; -1 when it is not true, false or null. */
function skipLiteral(bytes: Uint8Array, at: number): number {
  const word = LITERALS[bytes[at] ?? 0];
  if (word === undefined) return -1;
  for (let offset = 0; offset < word.length; offset++) if (bytes[at + offset] !== word[offset]) return -1;
  return at + word.length;
}

/**
 * What a container opening inside `parent` (its kind and mode) counts, as childRowsWithin
 * walks a record: a record's object is at depth 0; a member of an object at depth d is
 * looked into only when d + 1 <= maxDepth; a list's items lie at the depth after its
 * object's, and an item that is itself a list stands in `{ value: item }` at that depth.
 * The mode is an object's depth, or the depth a list's items lie at.
 */
function modeWithin(parentKind: number, parentMode: number, opens: number, maxDepth: number): number {
  if (parentMode === SKIP) return SKIP;
  if (parentMode === RECORDS) return opens === OBJECT ? 0 : SKIP;
  if (parentKind === OBJECT) return parentMode + 1 > maxDepth ? SKIP : parentMode + 1;
  // An item of a list whose items lie at depth parentMode.
  if (opens === OBJECT) return parentMode;
  return parentMode + 1 > maxDepth ? SKIP : parentMode + 1;
}

/** A records' array scanned: what it holds, and where it ends. */
export interface ArrayScan extends RecordScan {
  /** Past its closing bracket. */
  end: number;
}

/** `scanAt` of the array that is the whole of `bytes`, blanks around it allowed. Null: the bytes are not one array. */
export function scanWholeArray(bytes: Uint8Array, scanAt: (at: number) => ArrayScan | null): ArrayScan | null {
  let at = 0;
  while (isBlank(bytes[at])) at++;
  const scan = scanAt(at);
  if (scan === null) return null;
  let end = scan.end;
  while (isBlank(bytes[end])) end++;
  return end === bytes.length ? scan : null;
}

/**
 * The records of the JSON array that opens at `at` in `bytes` (valid UTF-8, no byte order
 * mark; the whole body through scanWholeArray, or a body's member) and the child rows they
 * bring, with lists looked into down to `maxDepth` as flatten does, and where it ends. Null
 * when no valid JSON array opens there: parse the bytes instead.
 */
export function scanRecordsAt(bytes: Uint8Array, at: number, maxDepth: number): ArrayScan | null {
  const kinds: number[] = [];
  const modes: number[] = [];
  let records = 0;
  let childRows = 0;
  let i = at;
  if (bytes[i] !== 0x5b) return null;
  // `value`: a value is expected next (in the container on top); otherwise one just ended.
  let value = true;
  kinds.push(ARRAY);
  modes.push(RECORDS);
  i++;
  while (isBlank(bytes[i])) i++;
  if (bytes[i] === 0x5d) {
    kinds.pop();
    modes.pop();
    i++;
    value = false;
  }
  for (;;) {
    const top = kinds.length - 1;
    if (value) {
      while (isBlank(bytes[i])) i++;
      const kind = kinds[top] ?? ARRAY;
      const mode = modes[top] ?? SKIP;
      if (kind === ARRAY) {
        if (mode === RECORDS) records++;
        else if (mode !== SKIP) childRows++;
      }
      const byte = bytes[i];
      if (byte === 0x22) {
        i = skipString(bytes, i);
        value = false;
      } else if (byte === 0x7b || byte === 0x5b) {
        const opens = byte === 0x7b ? OBJECT : ARRAY;
        kinds.push(opens);
        modes.push(modeWithin(kind, mode, opens, maxDepth));
        i++;
        while (isBlank(bytes[i])) i++;
        if (bytes[i] === (opens === OBJECT ? 0x7d : 0x5d)) {
          kinds.pop();
          modes.pop();
          i++;
          value = false;
        } else if (opens === OBJECT) {
          i = skipMemberName(bytes, i);
        }
      } else if (byte === 0x2d || isDigit(byte)) {
        i = skipNumber(bytes, i);
        value = false;
      } else {
        i = skipLiteral(bytes, i);
        value = false;
      }
      if (i < 0) return null;
      continue;
    }
    if (top < 0) return { records, childRows, end: i };
    while (isBlank(bytes[i])) i++;
    const byte = bytes[i];
    const kind = kinds[top];
    if (byte === 0x2c) {
      i++;
      value = true;
      if (kind === OBJECT) {
        while (isBlank(bytes[i])) i++;
        i = skipMemberName(bytes, i);
        if (i < 0) return null;
      }
    } else if (byte === (kind === OBJECT ? 0x7d : 0x5d)) {
      kinds.pop();
      modes.pop();
      i++;
    } else {
      return null;
    }
  }
}

/** Past a member's name and its colon (at `at`: the name's quote); -1 when they are not there. */
function skipMemberName(bytes: Uint8Array, at: number): number {
  if (bytes[at] !== 0x22) return -1;
  let i = skipString(bytes, at);
  if (i < 0) return -1;
  while (isBlank(bytes[i])) i++;
  return bytes[i] === 0x3a ? i + 1 : -1;
}

/** Past the value that starts at `at` (no blank before it), checked as JSON.parse checks it; -1 when it is not valid JSON. */
export function skipValue(bytes: Uint8Array, at: number): number {
  /** The containers open, innermost last: whether each is an object. */
  const objects: boolean[] = [];
  let i = at;
  for (;;) {
    // A value starts at i.
    const byte = bytes[i];
    if (byte === 0x7b || byte === 0x5b) {
      const object = byte === 0x7b;
      i++;
      while (isBlank(bytes[i])) i++;
      if (bytes[i] === (object ? 0x7d : 0x5d)) {
        i++;
      } else {
        objects.push(object);
        if (object) {
          i = skipMemberName(bytes, i);
          if (i < 0) return -1;
        }
        while (isBlank(bytes[i])) i++;
        continue;
      }
    } else {
      i = byte === 0x22 ? skipString(bytes, i) : byte === 0x2d || isDigit(byte) ? skipNumber(bytes, i) : skipLiteral(bytes, i);
      if (i < 0) return -1;
    }
    // A value ended at i: close what it ends, or go on to the next member or element.
    for (;;) {
      const object = objects.at(-1);
      if (object === undefined) return i;
      while (isBlank(bytes[i])) i++;
      if (bytes[i] === 0x2c) {
        i++;
        while (isBlank(bytes[i])) i++;
        if (object) {
          i = skipMemberName(bytes, i);
          if (i < 0) return -1;
          while (isBlank(bytes[i])) i++;
        }
        break;
      }
      if (bytes[i] !== (object ? 0x7d : 0x5d)) return -1;
      objects.pop();
      i++;
    }
  }
}
