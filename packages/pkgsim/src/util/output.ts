/** Collects a command's stdout/stderr lines and sends them on as they are produced. */
export interface Out {
  out(line: string): void;
  err(line: string): void;
}

export function outOf(ctx: { stdout(s: string): void; stderr(s: string): void }): Out {
  return { out: (l) => ctx.stdout(l + "\n"), err: (l) => ctx.stderr(l + "\n") };
}

/** Wraps words into lines of at most `width` columns, each indented by `indent` (apt's lists). */
export function wrapWords(words: string[], indent = "  ", width = 80): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur && (indent + cur + " " + w).length > width - 1) {
      lines.push(indent + cur);
      cur = w;
    } else {
      cur = cur ? cur + " " + w : w;
    }
  }
  if (cur) lines.push(indent + cur);
  return lines;
}
