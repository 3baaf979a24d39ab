import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { build } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { parseDockerfile } from "@tsbuild/parser";
import { importTar, memoryStore, type ImageStore } from "@tsbuild/store";
import { BUSYBOX_TAR, REPO, SEED, isRawError, tempDir, writeTree, type Counts } from "./lib.js";

/** The conformance cases' Dockerfiles: real inputs to mutate. */
function seeds(): string[] {
  const dir = join(REPO, "test/conformance/cases");
  const out: string[] = [];
  for (const c of readdirSync(dir)) {
    const f = join(dir, c, "context/Dockerfile");
    if (existsSync(f)) out.push(readFileSync(f, "utf8"));
  }
  return out;
}

const PIECES = [
  "\\", "\\\n", "$", "${", "}", "${A:-x}", "${A:+", "$$", "\"", "'", "\n", "\r\n", "#", "# escape=`\n", "`", " ", "\t", "=",
  "--from=", "--chown=1:1 ", "--mount=type=cache,target=/x ", "<<EOF\n", "\nEOF\n", "[\"", "\"]", "{", "FROM ", "RUN ", "ENV ",
  "ARG ", "COPY ", "ADD ", "ONBUILD ", "HEALTHCHECK ", "AS ", "é", "\u0000", "\uFEFF", "*", "?", "[", "]", "..", "/",
];

const mutation = fc.oneof(
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant("repeat" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }), times: fc.integer({ min: 2, max: 60 }) }),
);

function mutate(text: string, muts: Array<fc.RecordValue<{ op: string; at: number; text?: string; len?: number; times?: number }>>): string {
  let s = text;
  for (const m of muts) {
    const at = s.length ? m.at % (s.length + 1) : 0;
    if (m.op === "insert") s = s.slice(0, at) + m.text + s.slice(at);
    else if (m.op === "delete") s = s.slice(0, at) + s.slice(at + (m.len ?? 1));
    else s = s.slice(0, at) + s.slice(at, at + (m.len ?? 1)).repeat(m.times ?? 2) + s.slice(at);
  }
  return s;
}

/** Mutated Dockerfiles through the parser: a result or a DockerfileParseError with a message, never a crash or a hang. */
export function fuzzParser(runs: number): Counts {
  const corpus = seeds();
  const counts: Counts = { parsed: 0, accepted: 0, refused: 0, crashes: 0, hangs: 0, messageless: 0 };
  fc.assert(
    fc.property(fc.nat(corpus.length - 1), fc.array(mutation, { minLength: 1, maxLength: 8 }), (i, muts) => {
      const text = mutate(corpus[i], muts);
      const start = Date.now();
      counts.parsed++;
      try {
        parseDockerfile(text);
        counts.accepted++;
      } catch (e) {
        const err = e as Error;
        if (err?.name !== "DockerfileParseError") {
          counts.crashes++;
          console.error(`parser crash: ${err?.stack}\n--- input ---\n${JSON.stringify(text)}`);
        } else if (!err.message || isRawError(err.message)) counts.messageless++;
        else counts.refused++;
      }
      if (Date.now() - start > 2000) counts.hangs++;
    }),
    { numRuns: runs, seed: SEED },
  );
  return counts;
}

const word = fc.oneof(fc.constantFrom("a", "x y", "$A", "${A}", "${B:-d}", "\"q\"", "/t", "f.txt", "*", "é", "1"), fc.stringMatching(/^[a-z0-9_./-]{1,8}$/));
const instruction = fc.oneof(
  fc.tuple(fc.constantFrom("ENV", "ARG", "LABEL"), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,5}$/), word).map(([k, n, v]) => `${k} ${n}=${v}`),
  word.map((w) => `WORKDIR /w/${w}`),
  fc.constantFrom("COPY f.txt /", "COPY . /ctx/", "COPY d /d/", "ADD f.txt /a/", "COPY *.txt /t/", "COPY nope /"),
  fc.tuple(fc.constantFrom("echo", "mkdir -p", "touch", "ls", "true", "false", "cat"), word).map(([c, w]) => `RUN ${c} ${w}`),
  fc.constantFrom("USER 1000", "USER nobody", "EXPOSE 80", "EXPOSE 80/udp", "CMD [\"sh\"]", "ENTRYPOINT echo", "STOPSIGNAL 9", "SHELL [\"/bin/sh\", \"-c\"]", "VOLUME /v", "ONBUILD RUN true", "HEALTHCHECK NONE"),
);

/** Grammar-made (then mutated) Dockerfiles through whole builds: an image or a build error with a message. */
export async function fuzzBuilds(runs: number): Promise<Counts> {
  const store: ImageStore = memoryStore();
  await importTar(store, readFileSync(BUSYBOX_TAR), { ref: "busybox:test", created: new Date("2024-01-01T00:00:00Z") });
  const ctx = writeTree(tempDir("fuzz-ctx"), { "f.txt": "f\n", "g.txt": "g\n", "d/x": "x\n" });
  const counts: Counts = { builds: 0, built: 0, refused: 0, crashes: 0, hangs: 0, messageless: 0 };
  const samples = fc.sample(
    fc.tuple(fc.array(instruction, { minLength: 1, maxLength: 8 }), fc.array(mutation, { maxLength: 2 })),
    { numRuns: runs, seed: SEED },
  );
  for (const [lines, muts] of samples) {
    const text = mutate(`FROM busybox:test\n${lines.join("\n")}\n`, muts);
    writeTree(ctx, { Dockerfile: text });
    counts.builds++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const context = await BuildContext.fromDirectory(ctx);
      await Promise.race([
        build({ store, context, output: () => undefined, runLimits: { timeoutMs: 10_000 } }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("HANG")), 60_000))),
      ]);
      counts.built++;
    } catch (e) {
      const err = e as Error;
      if (err?.message === "HANG") counts.hangs++;
      else if (!err?.message) counts.messageless++;
      else if (isRawError(err.message)) {
        counts.crashes++;
        console.error(`build crash: ${err.stack}\n--- Dockerfile ---\n${text}`);
      } else counts.refused++;
    } finally {
      clearTimeout(timer);
    }
  }
  return counts;
}
