/**
 * The fields of a Packages stanza that resolving and downloading read, in the order their byte
 * ranges are kept (lower-cased: control field names are case-insensitive).
 */
export const FIELDS = ["package", "version", "architecture", "multi-arch", "priority", "essential", "depends", "pre-depends", "recommends", "provides", "filename", "size", "sha256"] as const;
export type Field = (typeof FIELDS)[number];
export const NF = FIELDS.length;
export const F = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<Field, number>;

const ASCII = FIELDS.map((f) => Buffer.from(f, "latin1"));
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;

/**
 * Where each stanza of a Packages index lies and where its wanted fields' values lie, as byte
 * offsets, without decoding the file: apt's bookworm main index is 50 MB and 63,000 stanzas, and
 * decoding it whole and parsing every stanza was most of a second per `apt-get install`; the
 * index decodes only the fields and stanzas a resolution reads (index-file.ts).
 *
 * The rules are apt's deb822 as parsePackages applied them to the decoded text: stanzas are
 * separated by runs of two or more newlines; a line starting with a space or tab continues the
 * field before it; a field's name runs to the line's first colon, compared without case; the
 * first occurrence of a field counts. A value's range runs from after the colon to the end of its
 * last continuation line (the caller trims the decoded text). Offsets fall on ASCII bytes
 * (newline, colon), so decoding a range gives the same text as slicing the decoded file.
 */
export interface Scan {
  count: number;
  /** start, end of stanza i at [2i], [2i+1]. */
  stanzas: Int32Array;
  /** start, end of field f of stanza i at [(i*NF+f)*2], +1; -1 when the stanza has no such field. */
  fields: Int32Array;
}

export function scanPackages(buf: Uint8Array): Scan {
  const len = buf.length;
  let stanzas = new Int32Array(2048);
  let fields = new Int32Array(1024 * NF * 2).fill(-1);
  let count = 0;
  let pos = 0;
  // split() on /\n\n+/ leaves one leading newline in the first stanza; two or more start with an empty one (no fields: dropped)
  if (len >= 2 && buf[0] === 0x0a && buf[1] === 0x0a) while (pos < len && buf[pos] === 0x0a) pos++;
  let start = pos;
  let key = -1;
  let base = 0;
  const open = () => {
    if (count * 2 >= stanzas.length) {
      const s = new Int32Array(stanzas.length * 2);
      s.set(stanzas);
      stanzas = s;
      const f = new Int32Array(fields.length * 2).fill(-1);
      f.set(fields);
      fields = f;
    }
    base = count * NF * 2;
    key = -1;
  };
  const close = (end: number) => {
    stanzas[count * 2] = start;
    stanzas[count * 2 + 1] = end;
    count++;
  };
  if (pos < len) open();
  while (pos < len) {
    const first = buf[pos];
    if (first === 0x0a && pos > start) {
      // an empty line: the stanza ended at the newline before it
      close(pos - 1);
      while (pos < len && buf[pos] === 0x0a) pos++;
      start = pos;
      if (pos < len) open();
      continue;
    }
    let eol = buf.indexOf(0x0a, pos);
    if (eol < 0) eol = len;
    if (first === 0x20 || first === 0x09) {
      if (key >= 0) fields[base + key * 2 + 1] = eol;
    } else {
      key = -1;
      let colon = -1;
      let ascii = true;
      for (let i = pos; i < eol; i++) {
        const c = buf[i];
        if (c === 0x3a) {
          colon = i;
          break;
        }
        if (c >= 0x80) ascii = false;
      }
      if (colon > pos) {
        const f = ascii ? fieldOfAscii(buf, pos, colon) : fieldOfText(buf, pos, colon);
        if (f >= 0 && fields[base + f * 2] < 0) {
          key = f;
          fields[base + f * 2] = colon + 1;
          fields[base + f * 2 + 1] = eol;
        }
      }
    }
    pos = eol + 1;
  }
  if (start < len) close(len);
  return { count, stanzas, fields };
}

/** The wanted field an ASCII name is, case-insensitively, or -1 (letters compared without case, other bytes exactly). */
function fieldOfAscii(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  next: for (let f = 0; f < ASCII.length; f++) {
    const want = ASCII[f];
    if (want.length !== n) continue;
    for (let i = 0; i < n; i++) {
      const w = want[i];
      const c = buf[start + i];
      // a letter matches either case (c | 0x20 is a lower-case letter only for letters); '-' and digits exactly
      if (isLower(w) ? (c | 0x20) !== w : c !== w) continue next;
    }
    return f;
  }
  return -1;
}

/** A name with non-ASCII bytes, lower-cased as JavaScript does (U+212A KELVIN SIGN is a "k"). */
function fieldOfText(buf: Uint8Array, start: number, end: number): number {
  const name = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("utf8").toLowerCase();
  return (FIELDS as readonly string[]).indexOf(name);
}
