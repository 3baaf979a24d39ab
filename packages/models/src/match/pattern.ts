import { globSource } from "./glob.js";

/** Names a capture may not take: the template variables every model has. */
export const BUILTIN_VARIABLES = new Set(["cwd", "home"]);

type Token = { kind: "rest" } | { kind: "word"; re: RegExp };

/**
 * An argument pattern: words matched one to one against the arguments after the program name.
 * `...` matches any number of arguments (none included), `*` any one argument, other words are
 * globs over one argument, where `{name}` captures one or more characters and `{name:GLOB}`
 * what GLOB matches; `a|b|c` is any of the globs a, b, c (alternatives capture nothing).
 * The pattern must account for every argument: "ci" matches `npm ci` and nothing else,
 * "ci ..." also `npm ci --omit=dev`.
 */
export class ArgsPattern {
  readonly captures = new Set<string>();
  private readonly tokens: Token[];

  /** Throws an Error saying what is wrong with the pattern. */
  constructor(readonly source: string) {
    const words = source.trim().split(/\s+/).filter(Boolean);
    this.tokens = words.map((w) => (w === "..." ? { kind: "rest" } : { kind: "word", re: this.wordRegExp(w) }));
  }

  /** The captures of the first way the arguments match (leftmost `...` as short as possible), or undefined. */
  match(args: readonly string[]): Record<string, string> | undefined {
    const failed = new Set<string>();
    const walk = (t: number, a: number): Record<string, string> | undefined => {
      const key = `${t}:${a}`;
      if (failed.has(key)) return undefined;
      let found: Record<string, string> | undefined;
      if (t === this.tokens.length) found = a === args.length ? {} : undefined;
      else {
        const token = this.tokens[t];
        if (token.kind === "rest") {
          for (let skip = a; skip <= args.length && !found; skip++) found = walk(t + 1, skip);
        } else if (a < args.length) {
          const m = token.re.exec(args[a]);
          const rest = m ? walk(t + 1, a + 1) : undefined;
          if (m && rest) found = { ...m.groups, ...rest };
        }
      }
      if (!found) failed.add(key);
      return found;
    };
    return walk(0, 0);
  }

  private wordRegExp(word: string): RegExp {
    const alternatives = word.split(/(?<!\\)\|/);
    if (alternatives.length > 1) {
      if (alternatives.some((a) => a === "")) throw new Error(`"${word}" has an empty alternative`);
      if (alternatives.some((a) => /(?<!\\)\{/.test(a))) throw new Error(`"${word}": a word with alternatives cannot capture`);
      return new RegExp(`^(?:${alternatives.map((a) => globSource(a)).join("|")})$`);
    }
    const source = globSource(word, (name) => {
      if (BUILTIN_VARIABLES.has(name)) throw new Error(`the capture {${name}} has the name of a built-in variable`);
      if (this.captures.has(name)) throw new Error(`the capture {${name}} appears twice`);
      this.captures.add(name);
    });
    return new RegExp(`^${source}$`);
  }
}
