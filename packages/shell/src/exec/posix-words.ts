
/** A word part as just-bash's parser makes it (only what this file needs). */
interface Part {
  type: string;
  [k: string]: unknown;
}

interface BraceItem {
  type: "Word" | "Range";
  word?: { parts: Part[] };
  start?: string | number;
  end?: string | number;
  step?: number;
  startStr?: string;
  endStr?: string;
}

/** `{a,$b}` back to its text: literal braces and commas around the items' own parts. */
function unbrace(items: BraceItem[]): Part[] {
  const out: Part[] = [{ type: "Literal", value: "{" }];
  items.forEach((item, i) => {
    if (i > 0) out.push({ type: "Literal", value: "," });
    if (item.type === "Word" && item.word) out.push(...literalParts(item.word.parts));
    else {
      const step = item.step !== undefined ? `..${item.step}` : "";
      out.push({ type: "Literal", value: `${item.startStr ?? item.start}..${item.endStr ?? item.end}${step}` });
    }
  });
  out.push({ type: "Literal", value: "}" });
  return out;
}

function literalParts(parts: Part[]): Part[] {
  return parts.flatMap((p) => (p.type === "BraceExpansion" ? unbrace(p.items as BraceItem[]) : [p]));
}

/**
 * ash and dash have no brace expansion: `mkdir /a/{b,c}` makes one directory named "{b,c}".
 * just-bash is a bash, so for a script of theirs the braces of each word are turned back into
 * text before it runs (tsbuild-words.ts).
 */
export function unbraceWord(obj: Record<string, unknown>): void {
  if (obj.type !== "Word" || !Array.isArray(obj.parts)) return;
  const parts = obj.parts as Part[];
  if (parts.some((p) => p.type === "BraceExpansion")) obj.parts = literalParts(parts);
}

