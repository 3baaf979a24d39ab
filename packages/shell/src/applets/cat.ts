import { describeError } from "../util/errors.js";
import { type Applet, fail } from "./applet.js";
import { readInput } from "./input.js";
import { appletOptions } from "./options.js";

/** cat [-nbsETu] [FILE]... ("-" is stdin). */
export const cat: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "cat", { flags: "nbsETuAvet" });
  if (typeof parsed === "number") return parsed;
  const flags = new Set(parsed.opts.keys());
  const files = parsed.operands;
  if (flags.has("A")) ["v", "E", "T"].forEach((f) => flags.add(f));
  if (flags.has("e")) ["v", "E"].forEach((f) => flags.add(f));
  if (flags.has("t")) ["v", "T"].forEach((f) => flags.add(f));
  if (files.length === 0) files.push("-");
  let status = 0;
  const plain = !["n", "b", "s", "E", "T", "v"].some((f) => flags.has(f));
  let lineNo = 0;
  let lastBlank = false;
  // coreutils numbers the concatenation: a file ending mid-line continues into the next.
  let midLine = false;
  for (const f of files) {
    let data: Buffer;
    try {
      data = readInput(ctx, f);
    } catch (e) {
      status = fail(ctx, "cat", `${f}: ${e instanceof Error && e.message.includes("never ends") ? e.message : describeError(e)}`);
      continue;
    }
    if (plain) {
      ctx.stdout(data);
      continue;
    }
    if (data.length === 0) continue;
    const text = data.toString("latin1");
    const lines = text.split("\n");
    const endsWithNewline = text.endsWith("\n");
    if (endsWithNewline) lines.pop();
    let out = "";
    lines.forEach((line, idx) => {
      const blank = line === "";
      if (flags.has("s") && blank && lastBlank) return;
      lastBlank = blank;
      let l = line;
      if (flags.has("v")) l = showNonPrinting(l, flags.has("T"));
      else if (flags.has("T")) l = l.replace(/\t/g, "^I");
      const continued = idx === 0 && midLine && ctx.flavour === "gnu";
      const numbered = !continued && (flags.has("b") ? !blank : flags.has("n"));
      if (numbered) l = `${String(++lineNo).padStart(6)}\t${l}`;
      // busybox numbers whole lines: a last line without newline gets one.
      const last = idx === lines.length - 1 && !endsWithNewline && !(ctx.flavour === "busybox" && (flags.has("n") || flags.has("b")));
      out += `${l}${flags.has("E") && !last ? "$" : ""}${last ? "" : "\n"}`;
    });
    ctx.stdout(Buffer.from(out, "latin1"));
    if (lines.length) midLine = !endsWithNewline;
  }
  return status;
};

function showNonPrinting(line: string, tabs: boolean): string {
  let out = "";
  for (const ch of line) {
    let c = ch.charCodeAt(0);
    if (c === 9 && !tabs) {
      out += ch;
      continue;
    }
    if (c >= 128) {
      out += "M-";
      c -= 128;
    }
    if (c < 32) out += `^${String.fromCharCode(c + 64)}`;
    else if (c === 127) out += "^?";
    else out += String.fromCharCode(c);
  }
  return out;
}
