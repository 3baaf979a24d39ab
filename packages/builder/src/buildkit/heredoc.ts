import { createHash } from "node:crypto";
import { chompHeredoc, ShellLex, type Instruction } from "@tsbuild/parser";
import type { BuildRun } from "../builder.js";
import type { CopySource } from "../copy/source.js";
import { substitutionEnv, type StageState } from "../state.js";

/**
 * `COPY <<NAME DEST` of a 1.4+ dockerfile frontend: each heredoc source is a file named NAME
 * holding the body (mode 0664 as its Mkfile makes it, `--chmod` aside), variables expanded with
 * quotes kept unless the name was quoted, `<<-` without leading tabs. Returns those sources and
 * the other (context or stage) source words; `hash` keys the cache on the bodies.
 */
export function heredocSources(run: BuildRun, state: StageState, ins: Instruction, srcs: string[]): { sources: CopySource[]; rest: string[]; hash: string } {
  const docs = [...ins.heredocs];
  const sources: CopySource[] = [];
  const rest: string[] = [];
  const hash = createHash("sha256");
  for (const word of srcs) {
    if (!word.startsWith("<<") || docs.length === 0) {
      rest.push(word);
      continue;
    }
    const doc = docs.shift()!;
    let body = doc.chomp ? chompHeredoc(doc.content) : doc.content;
    if (doc.expand) body = new ShellLex("\\").processWordRawQuotes(body, substitutionEnv(state));
    const data = Buffer.from(body);
    hash.update(doc.name + "\0").update(data);
    const mtime = run.clock.date();
    sources.push({ path: doc.name, isDir: false, items: [{ rel: "", type: "file", mode: 0o664, uid: 0, gid: 0, mtime, data: () => data }] });
  }
  return { sources, rest, hash: "heredoc:" + hash.digest("hex") };
}
