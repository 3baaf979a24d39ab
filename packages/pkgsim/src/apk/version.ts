/**
 * apk's version ordering (apk-tools 2.14 version.c): digits, a letter, `_alpha`/`_beta`/`_pre`/`_rc`
 * suffixes before the release and `_cvs`/`_svn`/`_git`/`_hg`/`_p` after it, then `-rN`.
 */
const enum T { DigitOrZero, Digit, Letter, Suffix, SuffixNo, RevisionNo, End, Invalid = -1 }

const PRE = ["alpha", "beta", "pre", "rc"];
const POST = ["cvs", "svn", "git", "hg", "p"];
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isLower = (c: string | undefined) => c !== undefined && c >= "a" && c <= "z";

class Tokens {
  pos = 0;
  type: T = T.Digit;
  constructor(private s: string) {}

  private nextType(): void {
    const c = this.s[this.pos];
    let n: T = T.Invalid;
    if (c === undefined) n = T.End;
    else if ((this.type === T.Digit || this.type === T.DigitOrZero) && isLower(c)) n = T.Letter;
    else if (this.type === T.Letter && isDigit(c)) n = T.Digit;
    else if (this.type === T.Suffix && isDigit(c)) n = T.SuffixNo;
    else {
      if (c === ".") n = T.DigitOrZero;
      else if (c === "_") n = T.Suffix;
      else if (c === "-" && this.s[this.pos + 1] === "r") { n = T.RevisionNo; this.pos++; }
      this.pos++;
    }
    if (n < this.type && n !== T.Invalid) {
      const allowed = (n === T.DigitOrZero && this.type === T.Digit) || (n === T.Suffix && this.type === T.SuffixNo) || (n === T.Digit && this.type === T.Letter);
      if (!allowed) n = T.Invalid;
    }
    this.type = n;
  }

  /** The value of the current token; moves on to the next one. */
  take(): number {
    const s = this.s;
    if (this.pos >= s.length) { this.type = T.End; return 0; }
    let v = 0;
    let i = this.pos;
    let forced: T | undefined;
    switch (this.type) {
      case T.DigitOrZero:
        if (s[i] === "0") {
          // extra leading zeros count against the number (1.01 < 1.1); the last zero is read as a digit next
          let z = 0;
          while (s[i + 1] === "0") { i++; z++; }
          v = -z;
          forced = T.Digit;
          break;
        }
      // fallthrough
      case T.Digit: case T.SuffixNo: case T.RevisionNo: {
        const start = i;
        while (isDigit(s[i])) v = v * 10 + Number(s[i++]);
        if (i - start >= 18) { this.type = T.Invalid; return -1; }
        break;
      }
      case T.Letter:
        v = s.charCodeAt(i++);
        break;
      case T.Suffix: {
        const rest = s.slice(i);
        const pre = PRE.findIndex((p) => rest.startsWith(p));
        if (pre >= 0) { v = pre - PRE.length; i += PRE[pre].length; break; }
        const post = POST.findIndex((p) => rest.startsWith(p));
        if (post >= 0) { v = post; i += POST[post].length; break; }
        this.type = T.Invalid;
        return -1;
      }
      default:
        this.type = T.Invalid;
        return -1;
    }
    this.pos = i;
    if (this.pos >= s.length) this.type = T.End;
    else if (forced !== undefined) this.type = forced;
    else this.nextType();
    return v;
  }
}

/** -1, 0 or 1; `fuzzy` (apk's `~`): equal when one version is a prefix of the other by tokens. */
export function compareApkVersions(a: string, b: string, fuzzy = false): number {
  const x = new Tokens(a), y = new Tokens(b);
  let av = 0, bv = 0;
  while (x.type === y.type && x.type !== T.End && x.type !== T.Invalid && av === bv) {
    av = x.take();
    bv = y.take();
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (x.type === y.type || fuzzy) return 0;
  if (x.type === T.Suffix && suffixValue(a, x.pos) < 0) return -1;
  if (y.type === T.Suffix && suffixValue(b, y.pos) < 0) return 1;
  if (x.type > y.type) return -1;
  if (y.type > x.type) return 1;
  return 0;
}

function suffixValue(s: string, pos: number): number {
  const t = new Tokens(s);
  t.pos = pos;
  t.type = T.Suffix;
  return t.take();
}

export function satisfies(version: string, op: string | undefined, wanted: string | undefined): boolean {
  if (!op || wanted === undefined) return true;
  if (op === "~" || op === "=~" || op === "~=") return compareApkVersions(version, wanted, true) === 0;
  const c = compareApkVersions(version, wanted);
  switch (op) {
    case "=": return c === 0;
    case ">=": return c >= 0;
    case "<=": return c <= 0;
    case ">": return c > 0;
    case "<": return c < 0;
    default: return false;
  }
}
