import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

export interface Member {
  name: string;
  data?: Buffer | string;
  /** "0" file, "1" hard link, "2" symlink, "3" char device, "5" dir, "x" PAX, "L" GNU long name */
  type?: string;
  linkname?: string;
  /** Size to declare instead of the data's length (a lie). */
  declaredSize?: number;
}

function header(m: Member, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(m.name.slice(0, 100), 0, 100, "utf8");
  b.write(m.type === "5" ? "0000755\0" : "0000644\0", 100);
  b.write("0000000\0", 108);
  b.write("0000000\0", 116);
  if (size < 8 ** 11) b.write(size.toString(8).padStart(11, "0") + "\0", 124);
  else {
    // GNU base-256 for sizes past the octal field.
    b[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  }
  b.write("14737216760\0", 136);
  b.write(m.type ?? "0", 156);
  if (m.linkname) b.write(m.linkname.slice(0, 100), 157, 100, "utf8");
  b.write("ustar\x0000", 257);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return b;
}

export function tar(members: Member[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? "");
    parts.push(header(m, m.declaredSize ?? data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len++;
  return `${len}${body}`;
}

export const sha256 = (b: Buffer | string) => "sha256:" + createHash("sha256").update(b).digest("hex");
export const gz = (b: Buffer) => gzipSync(b);
