import type { BuildRecord, HistoryEntry } from "@tsbuild/image";

/** What made a layer, in the words findings use. */
export interface StepInfo {
  /** Upper-case keyword (RUN, COPY, …); "" when the history does not say (an imported layer). */
  instruction: string;
  /** "RUN apk add …", "COPY file:… in /data/" or "Imported from -". */
  text: string;
  /** "Dockerfile:2 `RUN apk add …`" with a record, else "layer 2 `RUN apk add …`" (1-based). */
  label: string;
}

const KEYWORDS = new Set([
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]);

/**
 * The instruction behind a history entry's created_by, as the classic builder and BuildKit write it:
 * `/bin/sh -c #(nop) COPY …`, `/bin/sh -c apk add …`, `|2 A=1 B=2 /bin/sh -c …` (RUN with build
 * args), `RUN /bin/sh -c … # buildkit`, or an exec-form RUN's words.
 */
export function instructionFromHistory(createdBy: string): { instruction: string; text: string } {
  let s = createdBy.trim();
  const args = /^\|(\d+) /.exec(s);
  if (args) s = s.slice(args[0].length).split(" ").slice(Number(args[1])).join(" ");
  s = s.replace(/ # buildkit$/, "");
  const nop = /^(?:\S+ )*?-c #\(nop\)\s+/.exec(s);
  if (nop) {
    const text = s.slice(nop[0].length).trim();
    return { instruction: keywordOf(text), text };
  }
  if (KEYWORDS.has(keywordOf(s))) {
    const kw = keywordOf(s);
    const rest = s.slice(kw.length).trim();
    return { instruction: kw, text: kw === "RUN" ? "RUN " + stripShell(rest) : s };
  }
  if (!s) return { instruction: "", text: "" };
  return { instruction: "RUN", text: "RUN " + stripShell(s) };
}

function keywordOf(text: string): string {
  const w = text.split(/\s/, 1)[0] ?? "";
  return KEYWORDS.has(w.toUpperCase()) && w === w.toUpperCase() ? w : "";
}

/** "/bin/sh -c apk add x" → "apk add x"; any shell given by SHELL ends its prefix with -c (or /S /C). */
function stripShell(s: string): string {
  const m = /^(?:\/\S*\/)?(?:sh|bash|ash|dash|zsh) -c /.exec(s) ?? /^\S*cmd(?:\.exe)? \/S \/C /i.exec(s);
  return m ? s.slice(m[0].length) : s;
}

/** Long commands keep their first three and last two words: "RUN apk add … gcc make"; COPY hashes keep 12 digits. */
export function shorten(text: string, max = 48): string {
  const oneLine = text
    .replace(/\s*\\\n\s*/g, " ")
    .replace(/\s+/g, " ")
    .replace(/\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{52}\b/g, "$1:$2…")
    .trim();
  if (oneLine.length <= max) return oneLine;
  const words = oneLine.split(" ");
  if (words.length <= 5) return oneLine.slice(0, max - 1) + "…";
  const short = [...words.slice(0, 3), "…", ...words.slice(-2)].join(" ");
  return short.length < oneLine.length ? short : oneLine;
}

export function describeStep(index: number, history: HistoryEntry | undefined, record: BuildRecord | undefined): StepInfo {
  if (record) {
    const text = record.text.trim();
    return { instruction: record.kind.toUpperCase(), text, label: `${record.dockerfile}:${record.line} \`${shorten(text)}\`` };
  }
  const parsed = instructionFromHistory(history?.created_by ?? "");
  if (!parsed.text) {
    const text = history?.comment ?? (history ? "" : "(missing)");
    return { instruction: "", text, label: text ? `layer ${index + 1} (${text})` : `layer ${index + 1}` };
  }
  return { ...parsed, label: `layer ${index + 1} \`${shorten(parsed.text)}\`` };
}
