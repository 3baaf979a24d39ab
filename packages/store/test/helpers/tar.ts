/** Builds tar archives byte by byte, including malformed ones the store must refuse. */
export interface TestEntry {
  name: string;
  type?: "file" | "dir" | "symlink" | "link" | "char" | "fifo" | "pax" | "gnu-longname";
  data?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  /** Write the header in GNU format ("ustar  \0") instead of POSIX ustar. */
  gnu?: boolean;
}

const TYPEFLAG = { file: "0", link: "1", symlink: "2", char: "3", dir: "5", fifo: "6", pax: "x", "gnu-longname": "L" } as const;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

export function header(e: TestEntry, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(e.name, 0, 100, "utf8");
  b.write(octal(e.mode ?? (e.type === "dir" ? 0o755 : 0o644), 8), 100, "latin1");
  b.write(octal(e.uid ?? 0, 8), 108, "latin1");
  b.write(octal(e.gid ?? 0, 8), 116, "latin1");
  b.write(octal(size, 12), 124, "latin1");
  b.write(octal(e.mtime ?? 1700000000, 12), 136, "latin1");
  b.write(TYPEFLAG[e.type ?? "file"], 156, "latin1");
  b.write(e.linkname ?? "", 157, 100, "utf8");
  if (e.gnu) b.write("ustar  \0", 257, "latin1");
  else b.write("ustar\x0000", 257, "latin1");
  b.write("root", 265, "latin1");
  b.write("root", 297, "latin1");
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
  return b;
}

function pad(n: number): Buffer {
  return Buffer.alloc((512 - (n % 512)) % 512);
}

export function paxRecords(records: Record<string, string>): Buffer {
  let out = "";
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    let len = body.length + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
    out += len + body;
  }
  return Buffer.from(out);
}

export function makeTar(entries: TestEntry[], opts: { trailer?: boolean; extra?: Buffer } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    parts.push(header(e, data.length), data, pad(data.length));
  }
  if (opts.trailer !== false) parts.push(Buffer.alloc(1024));
  if (opts.extra) parts.push(opts.extra);
  return Buffer.concat(parts);
}
