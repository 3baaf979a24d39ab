/** Debian control-file paragraphs (dpkg status, apt extended_states): ordered "Field: value" lines. */
export type Paragraph = Array<[string, string]>;

export function parseParagraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const para: Paragraph = [];
    for (const line of block.split("\n")) {
      if (!line) continue;
      if ((line[0] === " " || line[0] === "\t") && para.length) {
        para[para.length - 1][1] += "\n" + line;
        continue;
      }
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      para.push([line.slice(0, colon), line.slice(colon + 1).replace(/^ /, "")]);
    }
    if (para.length) out.push(para);
  }
  return out;
}

export function field(p: Paragraph, name: string): string | undefined {
  const lower = name.toLowerCase();
  return p.find(([k]) => k.toLowerCase() === lower)?.[1];
}

export function serializeParagraphs(paras: Paragraph[]): string {
  return paras.map((p) => p.map(([k, v]) => (v === "" || v.startsWith("\n") ? `${k}:${v}` : `${k}: ${v}`)).join("\n") + "\n\n").join("");
}

/** "a (>= 1) | b, c:any" → [[{name:"a"},{name:"b"}],[{name:"c"}]] */
export function parseRelations(value: string | undefined): Array<Array<{ name: string; constraint: string }>> {
  if (!value) return [];
  return value.split(",").map((part) =>
    part.split("|").map((alt) => {
      const m = /^\s*([^\s(:\[]+)(?::\S+)?\s*(\(([^)]*)\))?/.exec(alt);
      return { name: m ? m[1] : alt.trim(), constraint: m?.[3]?.trim() ?? "" };
    }).filter((a) => a.name),
  ).filter((alts) => alts.length > 0);
}
