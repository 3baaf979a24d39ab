/** dpkg's version ordering (deb-version(7)): epoch, then upstream and revision by verrevcmp. */
function order(c: string): number {
  if (c === "~") return -1;
  if (/[0-9]/.test(c)) return 0;
  if (!c) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i])) || (j < b.length && !/[0-9]/.test(b[j]))) {
      const ac = order(a[i] ?? ""), bc = order(b[j] ?? "");
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    while (i < a.length && /[0-9]/.test(a[i]) && j < b.length && /[0-9]/.test(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /[0-9]/.test(a[i])) return 1;
    if (j < b.length && /[0-9]/.test(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

function split(v: string): [number, string, string] {
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ""];
}

export function compareVersions(a: string, b: string): number {
  const [ea, ua, ra] = split(a);
  const [eb, ub, rb] = split(b);
  if (ea !== eb) return ea - eb;
  return verrevcmp(ua, ub) || verrevcmp(ra, rb);
}

/** Does `version` satisfy a relation constraint such as ">= 2.34" ("" always does)? */
export function satisfies(version: string, constraint: string): boolean {
  if (!constraint) return true;
  const m = /^(<<|<=|=|>=|>>|<|>)\s*(\S+)$/.exec(constraint.trim());
  if (!m) return true;
  const c = compareVersions(version, m[2]);
  switch (m[1]) {
    case "<<": return c < 0;
    case "<=": case "<": return c <= 0;
    case "=": return c === 0;
    case ">=": case ">": return c >= 0;
    case ">>": return c > 0;
  }
  return true;
}
