import { bytesOutput, type ExecResult, unsafeBytesFromLatin1 } from "just-bash";

/**
 * just-bash's printf turns an octal or hex escape into the character of that code (`\302` is
 * U+00C2), and its output is UTF-8, so `printf '\302\240'` wrote four bytes instead of the two of
 * a no-break space. Runs of escapes whose bytes are valid UTF-8 are replaced by the characters they
 * encode before printf sees them, so the output holds exactly those bytes. `%b` arguments
 * interpret escapes too, so they are treated alike when the format has a `%b`. A byte escape
 * that is not part of UTF-8 (`\377`) becomes a private-use character standing for that byte,
 * which `printfBytes` turns back into the byte in printf's output.
 */
/** U+F780..U+F7FF stand for the bytes 0x80..0xFF (a private-use block no script writes). */
const BYTE_BASE = 0xf700;
const STAND_INS = /[\uf780-\uf7ff]/;

/** printf's output with the stand-ins of printfUtf8Escapes turned back into their bytes. */
export function printfBytes(r: ExecResult): ExecResult {
  if (!STAND_INS.test(r.stdout)) return r;
  const parts: Buffer[] = [];
  for (const ch of r.stdout) {
    const c = ch.codePointAt(0) as number;
    parts.push(c >= BYTE_BASE + 0x80 && c <= BYTE_BASE + 0xff ? Buffer.from([c - BYTE_BASE]) : Buffer.from(ch, "utf8"));
  }
  return { ...bytesOutput(unsafeBytesFromLatin1(Buffer.concat(parts).toString("latin1"))), stderr: r.stderr, exitCode: r.exitCode };
}

export function printfUtf8Escapes(args: string[]): string[] {
  if (args.length === 0) return args;
  const [format, ...rest] = args;
  const out = [decodeEscapeRuns(format, false)];
  const withB = /%[-+ #0-9.]*b/.test(format);
  for (const a of rest) out.push(withB ? decodeEscapeRuns(a, true) : a);
  return out;
}

/** `b`: %b's syntax, where an octal escape is `\0NNN` (and `\NNN` too, as bash and dash take it). */
function decodeEscapeRuns(s: string, b: boolean): string {
  let result = "";
  let i = 0;
  while (i < s.length) {
    const start = i;
    const bytes: number[] = [];
    for (;;) {
      const m = /^\\(?:(0?[0-7]{1,3})|x([0-9a-fA-F]{1,2}))/.exec(s.slice(i));
      if (!m) break;
      let digits = m[1];
      if (digits !== undefined && !b && digits.length > 3) digits = digits.slice(0, 3);
      const value = digits !== undefined ? parseInt(digits, 8) : parseInt(m[2], 16);
      if (value > 0xff) break;
      bytes.push(value);
      i += m[0].length;
    }
    if (bytes.length && bytes.some((x) => x >= 0x80)) {
      const buf = Buffer.from(bytes);
      const text = buf.toString("utf8");
      if (Buffer.from(text, "utf8").equals(buf)) result += text;
      else for (const x of bytes) result += x >= 0x80 ? String.fromCharCode(BYTE_BASE + x) : `\\${x.toString(8).padStart(3, "0")}`;
      continue;
    }
    if (i > start) {
      result += s.slice(start, i);
      continue;
    }
    // A backslash pair is one unit: `\\302` is a backslash and "302".
    if (s[i] === "\\" && i + 1 < s.length) {
      result += s.slice(i, i + 2);
      i += 2;
    } else result += s[i++];
  }
  return result;
}
