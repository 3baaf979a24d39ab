import { walkArgv } from "./argv-walk.js";

/**
 * Arguments for just-bash's grep, so that it matches as busybox's and GNU grep do:
 * - several `-e PATTERN` match any of them; just-bash keeps only the last one, so they are given
 *   as one newline-separated pattern list, which it does split;
 * - basic regular expressions take GNU's `\+` and `\?` (glibc's regcomp, which busybox uses,
 *   has them too); just-bash's BRE does not, so they become `\{1,\}` and `\{0,1\}`.
 */
export function grepArguments(name: string, args: string[]): string[] {
  const patterns: string[] = [];
  const rest: string[] = [];
  let extended = name === "egrep";
  let fixed = name === "fgrep";
  let firstOperand = -1;
  walkArgv(args, {
    operand(a) {
      if (firstOperand < 0) firstOperand = rest.length;
      rest.push(a);
    },
    end() {
      rest.push("--");
    },
    option(a, next) {
      if (a.startsWith("--")) {
        if (a.startsWith("--regexp=")) patterns.push(a.slice(9));
        else if (a === "--regexp") patterns.push(next() ?? "");
        else {
          if (a === "--extended-regexp") extended = true;
          if (a === "--fixed-strings") fixed = true;
          rest.push(a);
          if (/^--(file|max-count|context|after-context|before-context|label)$/.test(a)) rest.push(next() as string);
        }
        return;
      }
      let cluster = "-";
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === "E") extended = true;
        if (c === "F") fixed = true;
        if (c === "e") {
          patterns.push(a.slice(j + 1) || (next() ?? ""));
          break;
        }
        cluster += c;
        // Options with a value: the rest of the word, or the next argument.
        if ("fmABC".includes(c)) {
          cluster += a.slice(j + 1);
          if (j + 1 === a.length) {
            rest.push(cluster, next() as string);
            cluster = "-";
          }
          break;
        }
      }
      if (cluster !== "-") rest.push(cluster);
    },
  });
  const basic = !extended && !fixed;
  const fix = (p: string) => (basic ? gnuBre(p) : p);
  if (patterns.length === 0) {
    // The first operand is the pattern.
    if (firstOperand >= 0 && basic) rest[firstOperand] = fix(rest[firstOperand]);
    return basic ? rest : args;
  }
  return ["-e", patterns.map(fix).join("\n"), ...rest];
}

/** `\+` → `\{1,\}`, `\?` → `\{0,1\}` outside bracket expressions. */
function gnuBre(p: string): string {
  let out = "";
  let inBracket = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (inBracket) {
      out += c;
      if (c === "]") inBracket = false;
      continue;
    }
    if (c === "[") {
      inBracket = true;
      out += c;
      if (p[i + 1] === "^") out += p[++i];
      if (p[i + 1] === "]") out += p[++i];
      continue;
    }
    if (c === "\\" && i + 1 < p.length) {
      const n = p[++i];
      out += n === "+" ? "\\{1,\\}" : n === "?" ? "\\{0,1\\}" : `\\${n}`;
      continue;
    }
    out += c;
  }
  return out;
}
