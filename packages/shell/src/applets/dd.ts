import { describeError } from "../util/errors.js";
import { type Applet, fail } from "./applet.js";
import { parseSize } from "./size.js";

/**
 * dd [if=F] [of=F] [bs=N] [ibs=N] [obs=N] [count=N] [skip=N] [seek=N] [conv=notrunc,sync,...]
 * [status=none|noxfer]. Endless inputs such as /dev/zero are read only as far as count asks.
 */
const BUSYBOX_CONV = new Set(["notrunc", "sync", "noerror", "fsync", "swab"]);
const GNU_CONV = new Set(["notrunc", "sync", "noerror", "fsync", "fdatasync", "swab", "ucase", "lcase", "excl", "nocreat", "sparse"]);

export const dd: Applet = (ctx) => {
  const ops = new Map<string, string>();
  for (const a of ctx.args) {
    const eq = a.indexOf("=");
    if (eq <= 0) return fail(ctx, "dd", `invalid operand '${a}'`);
    ops.set(a.slice(0, eq), a.slice(eq + 1));
  }
  const num = (key: string, dflt: number): number | undefined => {
    const v = ops.get(key);
    return v === undefined ? dflt : parseSize(v);
  };
  const bs = ops.has("bs") ? num("bs", 512) : undefined;
  const ibs = bs ?? num("ibs", 512);
  const obs = bs ?? num("obs", 512);
  const count = ops.has("count") ? num("count", 0) : Infinity;
  const skip = num("skip", 0);
  const seek = num("seek", 0);
  for (const [k, v] of [["bs", bs], ["ibs", ibs], ["obs", obs], ["count", count], ["skip", skip], ["seek", seek]] as const) {
    if (v === undefined && ops.has(k)) return fail(ctx, "dd", `invalid number '${ops.get(k)}'`);
  }
  const conv = new Set((ops.get("conv") ?? "").split(",").filter(Boolean));
  // busybox 1.35 knows notrunc, sync, noerror, fsync and swab;
  // coreutils also converts case (the rest of its list changes nothing a layer records).
  const known = ctx.flavour === "gnu" ? GNU_CONV : BUSYBOX_CONV;
  for (const c of conv) {
    if (!known.has(c)) return fail(ctx, "dd", ctx.flavour === "gnu" ? `invalid conversion: '${c}'` : `invalid argument '${c}' to 'conv'`);
  }
  const status = ops.get("status");
  const inBlock = ibs as number;
  const outBlock = obs as number;

  const inFile = ops.get("if");
  const outFile = ops.get("of");
  if (inFile !== undefined && outFile !== undefined && count !== Infinity && ctx.fs.isZeroDevice(ctx.resolve(inFile))) {
    return zerosToFile(ctx, outFile, { count: count as number, inBlock, outBlock, seek: seek as number, notrunc: conv.has("notrunc"), status });
  }
  if (inFile !== undefined && outFile !== undefined && (seek as number) === 0 && !conv.has("notrunc") && !conv.has("swab") && !conv.has("ucase") && !conv.has("lcase")) {
    const streamed = streamToFile(ctx, inFile, outFile, { count: count as number, inBlock, outBlock, skip: skip as number, sync: conv.has("sync"), status });
    if (streamed !== undefined) return streamed;
  }
  let input: Buffer;
  try {
    const want = count === Infinity ? undefined : ((skip as number) + (count as number)) * inBlock;
    if (inFile === undefined) input = ctx.stdin;
    else {
      const p = ctx.resolve(inFile);
      if (want !== undefined) input = ctx.fs.readUpTo(p, want);
      else input = ctx.fs.readFile(p);
    }
  } catch (e) {
    return fail(ctx, "dd", `can't open '${inFile}': ${describeError(e)}`);
  }
  input = input.subarray(Math.min(input.length, (skip as number) * inBlock));

  const blocks: Buffer[] = [];
  let full = 0;
  let partial = 0;
  for (let off = 0; off < input.length && full + partial < (count as number); off += inBlock) {
    let block = input.subarray(off, off + inBlock);
    if (block.length === inBlock) full++;
    else {
      partial++;
      if (conv.has("sync")) block = Buffer.concat([block, Buffer.alloc(inBlock - block.length)]);
    }
    blocks.push(block);
  }
  let data = Buffer.concat(blocks);
  if (conv.has("swab")) {
    data = Buffer.from(data);
    for (let i = 0; i + 1 < data.length; i += 2) [data[i], data[i + 1]] = [data[i + 1], data[i]];
  }
  if (conv.has("ucase") || conv.has("lcase")) {
    const up = conv.has("ucase");
    data = Buffer.from(data.map((c) => (up && c >= 0x61 && c <= 0x7a ? c - 0x20 : !up && c >= 0x41 && c <= 0x5a ? c + 0x20 : c)));
  }

  if (outFile === undefined) ctx.stdout(data);
  else {
    const p = ctx.resolve(outFile);
    try {
      const offset = (seek as number) * outBlock;
      const existing = ctx.fs.tryStat(p) && !ctx.fs.stat(p).virtual ? ctx.fs.readFile(p) : Buffer.alloc(0);
      const head = existing.subarray(0, offset);
      const pad = Buffer.alloc(Math.max(0, offset - existing.length));
      const tail = conv.has("notrunc") ? existing.subarray(Math.min(existing.length, offset + data.length)) : Buffer.alloc(0);
      ctx.fs.writeFile(p, Buffer.concat([head, pad, data, tail]));
    } catch (e) {
      return fail(ctx, "dd", `can't open '${outFile}': ${describeError(e)}`);
    }
  }
  if (status !== "none") {
    const outFull = Math.floor(data.length / outBlock);
    const outPartial = data.length % outBlock ? 1 : 0;
    ctx.stderr(`${full}+${partial} records in\n${outFull}+${outPartial} records out\n`);
  }
  return 0;
};

interface ZeroCopy {
  count: number;
  inBlock: number;
  outBlock: number;
  seek: number;
  notrunc: boolean;
  status: string | undefined;
}

/**
 * `dd if=/dev/zero of=F`: the zeros are never produced. Writing zeros over [offset, end) and
 * cutting at `end` is truncating to `offset` then extending to `end`, which the image keeps as a
 * size; with notrunc, bytes past `end` survive, which only a real write preserves.
 */
function zerosToFile(ctx: Parameters<Applet>[0], outFile: string, o: ZeroCopy): number {
  const p = ctx.resolve(outFile);
  const length = o.count * o.inBlock;
  const offset = o.seek * o.outBlock;
  try {
    const existing = ctx.fs.tryStat(p);
    if (existing?.virtual) {
      ctx.fs.writeFile(p, Buffer.alloc(0));
    } else if (o.notrunc && existing && existing.size > offset + length) {
      const whole = ctx.fs.readFile(p);
      ctx.fs.writeFile(p, Buffer.concat([whole.subarray(0, offset), Buffer.alloc(length), whole.subarray(offset + length)]));
    } else {
      ctx.fs.truncate(p, Math.min(existing?.size ?? 0, offset));
      ctx.fs.truncate(p, offset + length);
    }
  } catch (e) {
    return fail(ctx, "dd", `can't open '${outFile}': ${describeError(e)}`);
  }
  if (o.status !== "none") {
    ctx.stderr(`${o.count}+0 records in\n${Math.floor(length / o.outBlock)}+${length % o.outBlock ? 1 : 0} records out\n`);
  }
  return 0;
}

/** Inputs at least this long are copied block by block, never held whole. */
const STREAM_MIN = 8 << 20;
/** Blocks are written to the output in batches of about this many bytes. */
const WRITE_BATCH = 1 << 20;

interface StreamCopy {
  count: number;
  inBlock: number;
  outBlock: number;
  skip: number;
  sync: boolean;
  status: string | undefined;
}

/**
 * `dd if=F of=G` for a large input (an endless device with a large count, or a large file): read
 * a block at a time and appended to G in megabyte batches, so neither the input nor the output is
 * ever one Buffer (the output file spills to disk past its threshold). Undefined: not such a
 * copy, the caller reads it whole.
 */
function streamToFile(ctx: Parameters<Applet>[0], inFile: string, outFile: string, o: StreamCopy): number | undefined {
  const src = ctx.resolve(inFile);
  const dst = ctx.resolve(outFile);
  if (ctx.fs.tryStat(dst)?.type === "dir") return undefined;
  let endless: boolean;
  try {
    endless = ctx.fs.isEndless(src);
    const st = ctx.fs.stat(src);
    if (endless ? o.count === Infinity || o.count * o.inBlock < STREAM_MIN : st.virtual || st.type !== "file" || st.size - o.skip * o.inBlock < STREAM_MIN) return undefined;
  } catch {
    // An input that cannot be opened is reported by the whole-read path, with dd's words for it.
    return undefined;
  }
  let full = 0;
  let partial = 0;
  let written = 0;
  try {
    ctx.fs.writeFile(dst, Buffer.alloc(0));
    let offset = o.skip * o.inBlock;
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = (): void => {
      if (batched === 0) return;
      ctx.fs.writeFile(dst, batch.length === 1 ? batch[0] : Buffer.concat(batch), { append: true });
      written += batched;
      batch = [];
      batched = 0;
    };
    while (full + partial < o.count) {
      let block = endless ? ctx.fs.readUpTo(src, o.inBlock) : ctx.fs.readRange(src, offset, o.inBlock);
      if (block.length === 0) break;
      offset += block.length;
      if (block.length === o.inBlock) full++;
      else {
        partial++;
        if (o.sync) block = Buffer.concat([block, Buffer.alloc(o.inBlock - block.length)]);
      }
      batch.push(block);
      batched += block.length;
      if (batched >= WRITE_BATCH) flush();
    }
    flush();
  } catch (e) {
    return fail(ctx, "dd", `can't open '${outFile}': ${describeError(e)}`);
  }
  if (o.status !== "none") {
    ctx.stderr(`${full}+${partial} records in\n${Math.floor(written / o.outBlock)}+${written % o.outBlock ? 1 : 0} records out\n`);
  }
  return 0;
}
