import { createHash, X509Certificate } from "node:crypto";

/** One DER element: its tag byte, and where its content lies in the buffer. */
interface Der {
  tag: number;
  start: number;
  end: number;
  /** Where the whole element (header included) starts. */
  at: number;
}

function readDer(buf: Buffer, at: number): Der {
  const tag = buf[at];
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error("unsupported DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  if (start + len > buf.length) throw new Error("truncated DER");
  return { tag, start, end: start + len, at };
}

function children(buf: Buffer, parent: Der): Der[] {
  const out: Der[] = [];
  for (let p = parent.start; p < parent.end; ) {
    const d = readDer(buf, p);
    out.push(d);
    p = d.end;
  }
  return out;
}

function encode(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

/** The subject Name of a certificate, as DER (SEQUENCE OF RDN). */
export function subjectDer(cert: X509Certificate): Buffer {
  const raw = cert.raw;
  const tbs = children(raw, readDer(raw, 0))[0];
  const fields = children(raw, tbs);
  // TBSCertificate: [0] version (optional), serial, signature, issuer, validity, subject.
  const i = fields[0].tag === 0xa0 ? 1 : 0;
  const subject = fields[i + 4];
  return raw.subarray(subject.at, subject.end);
}

const UTF8 = 0x0c;
const PRINTABLE = 0x13;
const T61 = 0x14;
const IA5 = 0x16;
const VISIBLE = 0x1a;
const UNIVERSAL = 0x1c;
const BMP = 0x1e;
/** The string types OpenSSL canonicalises (ASN1_MASK_CANON). */
const CANON = new Set([UTF8, PRINTABLE, T61, IA5, VISIBLE, UNIVERSAL, BMP]);

function toUtf8(tag: number, data: Buffer): Buffer {
  if (tag === BMP) {
    let s = "";
    for (let i = 0; i + 1 < data.length; i += 2) s += String.fromCharCode(data.readUInt16BE(i));
    return Buffer.from(s, "utf8");
  }
  if (tag === UNIVERSAL) {
    let s = "";
    for (let i = 0; i + 3 < data.length; i += 4) s += String.fromCodePoint(data.readUInt32BE(i));
    return Buffer.from(s, "utf8");
  }
  // T61String is read as Latin-1, as OpenSSL's ASN1_STRING_to_UTF8 does.
  if (tag === T61) return Buffer.from(data.toString("latin1"), "utf8");
  return data;
}

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** asn1_string_canon: trim, fold inner runs of white space to one space, lower-case ASCII. */
function canonText(bytes: Buffer): Buffer {
  let s = 0;
  let e = bytes.length;
  while (s < e && isSpace(bytes[s])) s++;
  while (e > s && isSpace(bytes[e - 1])) e--;
  const out: number[] = [];
  for (let i = s; i < e; ) {
    const c = bytes[i];
    if (c >= 0x80) {
      out.push(c);
      i++;
    } else if (isSpace(c)) {
      out.push(0x20);
      while (i < e && isSpace(bytes[i])) i++;
    } else {
      out.push(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
      i++;
    }
  }
  return Buffer.from(out);
}

/**
 * OpenSSL's X509_NAME_hash (the `<hash>.0` names of /etc/ssl/certs): SHA-1 over the name's
 * canonical encoding (each RDN's SET with its values canonicalised as UTF8String, the outer
 * SEQUENCE left out), the first four bytes read little-endian, as 8 hex digits.
 */
export function x509NameHash(nameDer: Buffer): string {
  const name = readDer(nameDer, 0);
  const sets: Buffer[] = [];
  for (const rdn of children(nameDer, name)) {
    const avas = children(nameDer, rdn).map((ava) => {
      const [oid, value] = children(nameDer, ava);
      const data = nameDer.subarray(value.start, value.end);
      const canon = CANON.has(value.tag) ? encode(UTF8, canonText(toUtf8(value.tag, data))) : nameDer.subarray(value.at, value.end);
      return encode(0x30, Buffer.concat([nameDer.subarray(oid.at, oid.end), canon]));
    });
    // DER's SET OF: elements in the order of their encodings.
    avas.sort(Buffer.compare);
    sets.push(encode(0x31, Buffer.concat(avas)));
  }
  const digest = createHash("sha1").update(Buffer.concat(sets)).digest();
  return digest.readUInt32LE(0).toString(16).padStart(8, "0");
}

/** X509_NAME_hash of a PEM certificate's subject. */
export function subjectHash(cert: X509Certificate): string {
  return x509NameHash(subjectDer(cert));
}
