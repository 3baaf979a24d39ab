import { createHash, X509Certificate } from "node:crypto";

interface Tlv { tag: number; start: number; headerLen: number; len: number }

function readTlv(b: Buffer, off: number): Tlv {
  const tag = b[off];
  let len = b[off + 1];
  let headerLen = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[off + 2 + i];
    headerLen += n;
  }
  return { tag, start: off, headerLen, len };
}

function children(b: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let off = t.start + t.headerLen;
  const end = off + t.len;
  while (off < end) {
    const c = readTlv(b, off);
    out.push(c);
    off = c.start + c.headerLen + c.len;
  }
  return out;
}

function encode(tag: number, body: Buffer): Buffer {
  const len = body.length;
  let head: number[];
  if (len < 0x80) head = [tag, len];
  else {
    const bytes: number[] = [];
    for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
    head = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(head), body]);
}

/** ASN.1 string types OpenSSL canonicalises (ASN1_MASK_CANON): their text, as UTF-8. */
function stringValue(tag: number, body: Buffer): string | undefined {
  switch (tag) {
    case 0x0c: case 0x13: case 0x16: case 0x14: case 0x12: case 0x1a: return body.toString(tag === 0x0c ? "utf8" : "latin1");
    case 0x1e: { // BMPString: UTF-16BE
      const sw = Buffer.from(body);
      sw.swap16();
      return sw.toString("utf16le");
    }
    case 0x1c: { // UniversalString: UTF-32BE
      let s = "";
      for (let i = 0; i + 3 < body.length; i += 4) s += String.fromCodePoint(body.readUInt32BE(i));
      return s;
    }
  }
  return undefined;
}

/**
 * OpenSSL's X509_NAME_hash (the `openssl rehash` / c_rehash link names): SHA-1 of the subject's
 * canonical encoding — every string value as UTF8String, trimmed, inner whitespace runs as one
 * space, ASCII lower-cased; the RDN SETs concatenated without the outer SEQUENCE — first four
 * bytes read little-endian.
 */
export function subjectHash(pemOrDer: string | Buffer): string {
  const raw = new X509Certificate(pemOrDer).raw;
  const cert = readTlv(raw, 0);
  const tbs = children(raw, cert)[0];
  const fields = children(raw, tbs);
  // TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, …
  const i = fields[0].tag === 0xa0 ? 1 : 0;
  const subject = fields[i + 4];
  const canon: Buffer[] = [];
  for (const rdn of children(raw, subject)) {
    const atvs = children(raw, rdn).map((atv) => {
      const [oid, value] = children(raw, atv);
      const oidBytes = raw.subarray(oid.start, oid.start + oid.headerLen + oid.len);
      const body = raw.subarray(value.start + value.headerLen, value.start + value.headerLen + value.len);
      const text = stringValue(value.tag, body);
      const valueBytes = text === undefined
        ? raw.subarray(value.start, value.start + value.headerLen + value.len)
        : encode(0x0c, Buffer.from(text.trim().replace(/[ \t\n\r\f\v]+/g, " ").replace(/[A-Z]/g, (c) => c.toLowerCase()), "utf8"));
      return encode(0x30, Buffer.concat([oidBytes, valueBytes]));
    });
    canon.push(encode(0x31, Buffer.concat(atvs)));
  }
  const digest = createHash("sha1").update(Buffer.concat(canon)).digest();
  return digest.readUInt32LE(0).toString(16).padStart(8, "0");
}
