/** One WWW-Authenticate challenge: scheme and its parameters (RFC 7235). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate header; quoted values may hold commas and escaped quotes. */
export function parseChallenges(header: string | null): Challenge[] {
  if (!header) return [];
  const out: Challenge[] = [];
  const re = /\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)(?:\s+|$)/y;
  let pos = 0;
  while (pos < header.length) {
    re.lastIndex = pos;
    const m = re.exec(header);
    if (!m) break;
    const ch: Challenge = { scheme: m[1].toLowerCase(), params: {} };
    pos = re.lastIndex;
    const param = /\s*([\w!#$%&'*+.^`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(,?)/y;
    for (;;) {
      param.lastIndex = pos;
      const p = param.exec(header);
      if (!p) break;
      ch.params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
      pos = param.lastIndex;
      if (!p[4]) break;
    }
    out.push(ch);
    while (pos < header.length && /[\s,]/.test(header[pos])) pos++;
  }
  return out;
}
