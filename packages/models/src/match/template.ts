import { posix } from "node:path";
import { BUILTIN_VARIABLES } from "./pattern.js";

const FILTERS: Record<string, (s: string) => string> = {
  basename: (s) => posix.basename(s.replace(/[?#].*$/, "")),
  dirname: (s) => posix.dirname(s),
};

type Part = string | { name: string; filter?: (s: string) => string };

/**
 * A text with variables: `{name}` is a capture of the argument pattern (or `cwd`, `home`),
 * `{name|basename}` / `{name|dirname}` a part of it (basename drops a URL's query).
 */
export class Template {
  readonly variables = new Set<string>();
  private readonly parts: Part[] = [];

  /** Throws an Error saying what is wrong. */
  constructor(readonly source: string) {
    const re = /\{([^{}]*)\}/g;
    let last = 0;
    for (let m = re.exec(source); m; m = re.exec(source)) {
      if (m.index > last) this.parts.push(source.slice(last, m.index));
      const [name, filterName, extra] = m[1].split("|").map((s) => s.trim());
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name ?? "")) throw new Error(`"{${m[1]}}" does not name a variable`);
      if (extra !== undefined) throw new Error(`"{${m[1]}}" has more than one filter`);
      let filter: Part = { name };
      if (filterName !== undefined) {
        const f = FILTERS[filterName];
        if (!f) throw new Error(`"{${m[1]}}": unknown filter "${filterName}" (known: ${Object.keys(FILTERS).join(", ")})`);
        filter = { name, filter: f };
      }
      this.parts.push(filter);
      this.variables.add(name);
      last = re.lastIndex;
    }
    if (last < source.length) this.parts.push(source.slice(last));
  }

  /** Variables this template uses that are neither captures of every pattern nor built-in. */
  unknownVariables(captures: ReadonlySet<string>): string[] {
    return [...this.variables].filter((v) => !captures.has(v) && !BUILTIN_VARIABLES.has(v));
  }

  expand(vars: Readonly<Record<string, string>>): string {
    return this.parts
      .map((p) => {
        if (typeof p === "string") return p;
        const v = vars[p.name] ?? "";
        return p.filter ? p.filter(v) : v;
      })
      .join("");
  }
}
