/** The members of an ar(5) archive (a .deb's outer container): name and bytes, in order. */
export function readAr(data: Buffer, what: string): Array<{ name: string; data: Buffer }> {
  if (data.subarray(0, 8).toString("latin1") !== "!<arch>\n") throw new Error(`${what}: not a Debian package (no ar header)`);
  const out: Array<{ name: string; data: Buffer }> = [];
  let off = 8;
  while (off + 60 <= data.length) {
    const head = data.subarray(off, off + 60).toString("latin1");
    const name = head.slice(0, 16).trim().replace(/\/$/, "");
    const size = Number(head.slice(48, 58).trim());
    if (!Number.isInteger(size) || size < 0 || off + 60 + size > data.length) throw new Error(`${what}: damaged ar member ${JSON.stringify(name)}`);
    out.push({ name, data: data.subarray(off + 60, off + 60 + size) });
    off += 60 + size + (size % 2);
  }
  return out;
}
