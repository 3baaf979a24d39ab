import type { Applet } from "./applet.js";

/** Backslash escapes of echo; returns the text and whether \c stopped the output. */
function escapes(s: string, hex: boolean): { text: Buffer; stop: boolean } {
  // Escapes make bytes (\0351 is one byte); the rest of the text stays UTF-8.
  const parts: Buffer[] = [];
  let out = "";
  const flush = () => {
    parts.push(Buffer.from(out, "utf8"));
    out = "";
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== "\\" || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i];
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };
    if (n in simple) out += simple[n];
    else if (n === "c") {
      flush();
      return { text: Buffer.concat(parts), stop: true };
    }
    else if (n === "0") {
      let v = 0;
      let k = 0;
      while (k < 3 && /[0-7]/.test(s[i + 1] ?? "")) {
        v = v * 8 + Number(s[++i]);
        k++;
      }
      flush();
      parts.push(Buffer.from([v & 0xff]));
    } else if (hex && n === "x" && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) {
      let h = "";
      while (h.length < 2 && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) h += s[++i];
      flush();
      parts.push(Buffer.from([parseInt(h, 16)]));
    } else out += `\\${n}`;
  }
  flush();
  return { text: Buffer.concat(parts), stop: false };
}

/**
 * echo, as the running shell's builtin: dash's takes only -n and always interprets
 * backslash escapes (so `echo -e x` prints "-e x"); ash's and bash's take -n, -e, -E.
 */
export const echo: Applet = (ctx) => {
  const args = [...ctx.args];
  let newline = true;
  let interpret = false;
  if (ctx.shellKind === "dash") {
    if (args[0] === "-n") {
      newline = false;
      args.shift();
    }
    interpret = true;
  } else {
    while (args.length && /^-[neE]+$/.test(args[0])) {
      const flags = args.shift() as string;
      for (const f of flags.slice(1)) {
        if (f === "n") newline = false;
        else interpret = f === "e";
      }
    }
  }
  const joined = args.join(" ");
  const { text, stop } = interpret ? escapes(joined, ctx.shellKind !== "dash") : { text: Buffer.from(joined, "utf8"), stop: false };
  ctx.stdout(newline && !stop ? Buffer.concat([text, Buffer.from("\n")]) : text);
  return 0;
};
