import { describeError } from "../util/errors.js";
import { type Applet, fail } from "./applet.js";
import { parseSize } from "./size.js";

/**
 * dd [if=F] [of=F] [bs=N] [ibs=N] [obs=N] [count=N] [skip=N] [seek=N] [conv=notrunc,sync,...]
 * [status=none|noxfer]. Endless inputs such as /dev/zero are read only as far as count asks.
 */
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
    if (v === undefined) return fail(ctx, "dd", `invalid number '${ops.get(k)}'`);
  }
  const conv = new Set((ops.get("conv") ?? "").split(",").filter(Boolean));
  const status = ops.get("status");
  const inBlock = ibs as number;
  const outBlock = obs as number;

  let input: Buffer;
  const inFile = ops.get("if");
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
  const data = Buffer.concat(blocks);

  const outFile = ops.get("of");
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
