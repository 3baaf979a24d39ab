import { bytesOutput, type ExecResult, unsafeBytesFromLatin1 } from "just-bash";

/**
 * printf works on bytes (the C locale): `printf '\302\240'` writes those two bytes, `%5s` pads
 * `é` (two bytes) with three spaces. just-bash's printf works on JavaScript characters: an octal
 * or hex escape became the character of that code (`\302` is U+00C2, written as two UTF-8 bytes)
 * and widths counted characters. So every byte from 0x80 up, in the format and the arguments,
 * written as an escape or as text, is given to it as a private-use character standing for that
 * byte, one per byte; `printfBytes` turns them back into the bytes in printf's output.
 */
const BYTE_BASE = 0xf700;
const STAND_INS = /[\uf780-\uf7ff]/;

/** printf's arguments with bytes 0x80..0xFF, escaped or not, as stand-ins. */
export function printfByteArguments(args: string[], dash = false): string[] {
  if (args.length === 0) return args;
  const [first, ...rest] = args;
  // dash's printf has no `\xHH` (it prints `\x41` as it is); ash's and bash's have.
  const format = dash ? first.replace(/\\(\\|x)/g, (m, c: string) => (c === "x" ? "\\\\x" : m)) : first;
  // The arguments `%b` takes interpret escapes too; the format is reused while arguments remain.
  const takes: string[] = [];
  for (const m of format.matchAll(/%[-+ #0]*(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])/g)) {
    if (m[3] === "%") continue;
    if (m[1] === "*") takes.push("*");
    if (m[2] === "*") takes.push("*");
    takes.push(m[3]);
  }
  return [standIns(escapedBytes(format, false)), ...rest.map((a, i) => standIns(takes.length && takes[i % takes.length] === "b" ? escapedBytes(a, true) : a))];
}

/** printf's output with the stand-ins turned back into their bytes. */
export function printfBytes(r: ExecResult): ExecResult {
  if (!STAND_INS.test(r.stdout)) return r;
  const parts: Buffer[] = [];
  for (const ch of r.stdout) {
    const c = ch.codePointAt(0) as number;
    parts.push(c >= BYTE_BASE + 0x80 && c <= BYTE_BASE + 0xff ? Buffer.from([c - BYTE_BASE]) : Buffer.from(ch, "utf8"));
  }
  return { ...bytesOutput(unsafeBytesFromLatin1(Buffer.concat(parts).toString("latin1"))), stderr: r.stderr, exitCode: r.exitCode };
}

function standIn(byte: number): string {
  return String.fromCharCode(BYTE_BASE + byte);
}

/** Text's non-ASCII characters as the stand-ins of their UTF-8 bytes. */
function standIns(s: string): string {
  if (/^[\x00-\x7f\uf780-\uf7ff]*$/.test(s)) return s;
  let out = "";
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x80 || STAND_INS.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += standIn(b);
  }
  return out;
}

/**
 * Escapes of bytes 0x80..0xFF (`\NNN`, `\xHH`; `b`: %b's syntax, where `\0NNN` is octal too) as
 * stand-ins; every other escape is left to printf.
 */
function escapedBytes(s: string, b: boolean): string {
  let out = "";
  for (let i = 0; i < s.length; ) {
    if (s[i] !== "\\" || i + 1 >= s.length) {
      out += s[i++];
      continue;
    }
    const m = (b ? /^\\(0[0-7]{0,3}|[1-7][0-7]{0,2})|^\\x([0-9a-fA-F]{1,2})/ : /^\\([0-7]{1,3})|^\\x([0-9a-fA-F]{1,2})/).exec(s.slice(i));
    const value = m ? (m[1] !== undefined ? parseInt(m[1], 8) : parseInt(m[2], 16)) : -1;
    if (m && value >= 0x80 && value <= 0xff) {
      out += standIn(value);
      i += m[0].length;
    } else {
      // A backslash pair is one unit: `\\302` is a backslash and "302".
      out += s.slice(i, i + 2);
      i += 2;
    }
  }
  return out;
}
