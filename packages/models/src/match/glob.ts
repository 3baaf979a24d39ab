/**
 * The regular expression for one glob (shell rules over a single word, where `*` also matches
 * "/"): `*`, `?`, `[abc]`, `[!abc]`, `\x` for a literal x. `capture` turns `{name}` and
 * `{name:GLOB}` into named groups; without it braces are literal.
 */
export function globSource(glob: string, capture?: (name: string) => void): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\") {
      if (i + 1 >= glob.length) throw new Error(`"${glob}" ends with a lone backslash`);
      out += escapeRegExp(glob[++i]);
    } else if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) throw new Error(`"${glob}" has a "[" without its "]"`);
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
    } else if (c === "{" && capture) {
      // A capture: {name} or {name:GLOB}.
      const end = glob.indexOf("}", i);
      if (end < 0) throw new Error(`"${glob}" has a "{" without its "}"`);
      const inner = glob.slice(i + 1, end);
      const colon = inner.indexOf(":");
      const name = colon < 0 ? inner : inner.slice(0, colon);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`"{${inner}}" does not start with a capture name (letters, digits, _)`);
      capture(name);
      out += `(?<${name}>${colon < 0 ? "[\\s\\S]+" : globSource(inner.slice(colon + 1))})`;
      i = end;
    } else out += escapeRegExp(c);
  }
  return out;
}

export function hasWildcards(path: string): boolean {
  return /[*?[]/.test(path);
}

/** Whether `name` matches the glob. */
export function globMatch(glob: string, name: string): boolean {
  return new RegExp(`^${globSource(glob)}$`).test(name);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
