/** What an option rewriter is told of each word of a getopt-style argv, in order. */
export interface ArgvVisitor {
  /** "-", a word not starting with "-", or any word after "--"; `afterEnd` says which. */
  operand(word: string, afterEnd: boolean): void;
  /** The "--" that ends the options. */
  end(): void;
  /** An option word ("--long[=v]" or a cluster "-abc"); `next()` takes the following argument as its value. */
  option(word: string, next: () => string | undefined): void;
}

/**
 * Walks argv as getopt reads it (options and operands mixed until "--"), for the rewriters that
 * adjust arguments before just-bash's grep and sed see them.
 */
export function walkArgv(args: readonly string[], visit: ArgvVisitor): void {
  let ended = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (ended || a === "-" || !a.startsWith("-")) visit.operand(a, ended);
    else if (a === "--") {
      ended = true;
      visit.end();
    } else visit.option(a, () => args[++i]);
  }
}
