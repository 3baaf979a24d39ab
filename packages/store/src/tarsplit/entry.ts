/**
 * tar-split's storage.Entry and its JSON-lines encoding (github.com/vbatts/tar-split,
 * tar/storage): type 1 = a file record (name, size, crc64 of its data as payload),
 * type 2 = raw archive bytes (headers, padding, trailer) as payload.
 */
export type TarSplitEntry =
  | { type: 1; name: string; size: number; payload: Buffer | null }
  | { type: 2; payload: Buffer };

export const FILE_TYPE = 1;
export const SEGMENT_TYPE = 2;

/** A string as Go's encoding/json writes it (HTML-safe escapes, \u00XX for other controls). */
export function goString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

/** One line exactly as json.Encoder writes a storage.Entry (field order, omitempty, newline). */
export function encodeEntry(e: TarSplitEntry, position: number): string {
  let s = `{"type":${e.type}`;
  if (e.type === FILE_TYPE) {
    if (e.name !== "") s += `,"name":${goString(e.name)}`;
    if (e.size !== 0) s += `,"size":${e.size}`;
  }
  s += `,"payload":${e.payload === null ? "null" : `"${e.payload.toString("base64")}"`}`;
  return s + `,"position":${position}}\n`;
}

export class TarSplitFormatError extends Error {}

/** Parses one JSON line back into an entry. */
export function decodeEntry(line: string): TarSplitEntry {
  let v: { type?: unknown; name?: unknown; name_raw?: unknown; size?: unknown; payload?: unknown };
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new TarSplitFormatError(`tar-split record is not JSON: ${(e as Error).message}`);
  }
  const payload = typeof v.payload === "string" ? Buffer.from(v.payload, "base64") : v.payload === null || v.payload === undefined ? null : undefined;
  if (payload === undefined) throw new TarSplitFormatError("tar-split record has a malformed payload");
  if (v.type === FILE_TYPE) {
    const name = typeof v.name_raw === "string" && v.name_raw !== ""
      ? Buffer.from(v.name_raw, "base64").toString("utf8")
      : typeof v.name === "string" ? v.name : "";
    const size = v.size === undefined ? 0 : v.size;
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      throw new TarSplitFormatError(`tar-split record for ${JSON.stringify(name)} has a bad size`);
    }
    return { type: 1, name, size, payload };
  }
  if (v.type === SEGMENT_TYPE) return { type: 2, payload: payload ?? Buffer.alloc(0) };
  throw new TarSplitFormatError(`tar-split record has unknown type ${JSON.stringify(v.type)}`);
}

/** A name as tar-split's duplicate check sees it (filepath.Clean). */
export function cleanName(name: string): string {
  const abs = name.startsWith("/");
  const parts: string[] = [];
  for (const p of name.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (parts.length && parts[parts.length - 1] !== "..") parts.pop();
      else if (!abs) parts.push("..");
      continue;
    }
    parts.push(p);
  }
  const joined = parts.join("/");
  return abs ? "/" + joined : joined || ".";
}
