import { Random } from "./random.js";
import { buildkitStep } from "./buildkit.js";

/** A generated case: a context tree, a Dockerfile and case.json, before anything recorded it. */
export interface Composition {
  name: string;
  /** What the composition exercises (the agreement rate is reported per family). */
  family: Family;
  case: Record<string, unknown>;
  /** Context paths → content; `symlink` entries are links; modes git cannot keep go to case.json. */
  files: ContextFile[];
  dockerfile: string;
}

export type Family = "copy-context" | "copy-from" | "run-fs" | "config" | "cache" | "buildkit";
/** The families a seed cycles through; "buildkit" (BuildKit-only syntax) is only chosen by name. */
export const FAMILIES: Family[] = ["copy-context", "copy-from", "run-fs", "config", "cache"];

export interface ContextFile {
  path: string;
  content?: string;
  symlink?: string;
  dir?: boolean;
  mode?: number;
}

const BASE = "conformance/busybox:1";

/** The context trees: names a shell or a tar could mangle, modes other than 0644/0755, links of every kind. */
const TREE: ContextFile[] = [
  { path: "a.txt", content: "alpha\n" },
  { path: "run.sh", content: "#!/bin/sh\necho run\n", mode: 0o755 },
  { path: "secret.key", content: "k\n", mode: 0o600 },
  { path: "ro.txt", content: "read only\n", mode: 0o444 },
  { path: "with space.txt", content: "space\n" },
  { path: "ünï.txt", content: "unicode\n" },
  { path: "-dash.txt", content: "dash\n" },
  { path: ".hidden", content: "hidden\n" },
  { path: "d/one.txt", content: "one\n" },
  { path: "d/sub/two.txt", content: "two\n", mode: 0o640 },
  { path: "d/sub/x.sh", content: "#!/bin/sh\n", mode: 0o700 },
  { path: "d/up", symlink: "../a.txt" },
  { path: "e", dir: true, mode: 0o750 },
  { path: "lnk", symlink: "a.txt" },
  { path: "dl", symlink: "d" },
  { path: "broken", symlink: "nowhere" },
  { path: "abs", symlink: "/etc/passwd" },
];

const COPY_SOURCES = ["a.txt", "run.sh", "secret.key", "ro.txt", "d", "d/", "d/*", "*.txt", "d/sub", "lnk", "dl", "broken", "e", ".", ".hidden", "ünï.txt", "with space.txt", "-dash.txt", "d/up", "abs"];
const DESTS = ["/dst/", "/dst", "dst2/", ".", "/tmp/", "/etc/", "/new/deep/path/", "rel/x", "/dst/sub/"];
// Owners no daemon host is likely to name: Docker hashes a --from source with the host's user names.
const CHOWNS = ["4000", "4000:4000", "4001:0", "root", "0:4001", "nobody:nogroup", "2000:3000"];

const RUNS = [
  "mkdir -p /o/p && echo hi > /o/p/f && chown -R 4000:4000 /o",
  "mkdir -p /dst && chmod 0700 /dst",
  "ln -s /etc/passwd /plink && ln -s missing /dangle",
  "touch /tmp/t && chmod 4755 /tmp/t",
  "rm -rf /dst /tmp/t",
  "mkdir -m 1777 /shared && chown 4001:4001 /shared",
  "echo x >> /etc/motd",
  "mkdir -p /dst && mv /dst /moved",
  "ln /etc/motd /motd-hard",
  "printf 'a\\tb\\n' > /tab",
  "umask 077 && mkdir /um && echo s > /um/f",
  "mkdir -p /w/x && touch /w/x/y && chown -R 4001 /w",
  "rm -f /etc/group && echo 'g:x:5:' > /etc/group",
  "rm -rf /etc && mkdir /etc && echo root:x:0:0::/:/bin/sh > /etc/passwd",
  "chmod 600 /etc/motd && chown 4002:4002 /etc/motd",
  "mkdir -p /v && echo in-volume > /v/f",
].map((c) => `RUN ${c}`);

const METAS = [
  "ENV A=1 B=\"two words\"",
  "ENV PATH=/opt/bin:$PATH",
  "LABEL x=y \"k k\"=\"v v\"",
  "WORKDIR /w",
  "WORKDIR rel/dir",
  "WORKDIR $HOME/h",
  "EXPOSE 8080 53/udp",
  'CMD ["sh", "-c", "echo hi"]',
  "CMD echo hi",
  'ENTRYPOINT ["/bin/sh", "-c"]',
  "ENTRYPOINT echo e",
  "VOLUME /v",
  'VOLUME ["/v2", "/v3"]',
  "STOPSIGNAL SIGTERM",
  "ARG A=1",
  "ARG B",
  "HEALTHCHECK --interval=5s --retries=2 CMD true",
  'SHELL ["/bin/sh", "-ec"]',
  "ONBUILD RUN echo child",
  "MAINTAINER someone <x@y>",
  "ENV HOME=/home/me",
  "LABEL multi=\"line \\\n continued\"",
];

const USERS = ["USER 4000", "USER nobody", "USER 65534:65534", "USER root"];

/** Sources that COPY must write in JSON form (a space in the name). */
function copyLine(kind: string, flags: string[], srcs: string[], dest: string): string {
  const f = flags.length ? flags.join(" ") + " " : "";
  if (srcs.some((s) => s.includes(" "))) return `${kind} ${f}${JSON.stringify([...srcs, dest]).replace(/","/g, '", "')}`;
  return `${kind} ${f}${srcs.join(" ")} ${dest}`;
}

function copyFromContext(r: Random): string {
  const kind = r.chance(0.25) ? "ADD" : "COPY";
  const srcs = r.chance(0.2) ? r.some(COPY_SOURCES, 2 + r.int(2)) : [r.pick(COPY_SOURCES)];
  let dest = r.pick(DESTS);
  if (srcs.length > 1 && !dest.endsWith("/")) dest += "/";
  const flags = r.chance(0.4) ? [`--chown=${r.pick(CHOWNS)}`] : [];
  return copyLine(kind, flags, srcs, dest);
}

/** A stage that makes files with owners, modes and links for a later COPY --from. */
function sourceStage(r: Random): string[] {
  const cmds = ["mkdir -p /srcd/sub /srcd/empty", "echo a > /srcd/f", "echo b > /srcd/sub/g", "ln -s f /srcd/l"];
  if (r.chance(0.8)) cmds.push(`chown -R ${r.pick(["4000:4000", "4001:4001", "4002:4003"])} /srcd`);
  if (r.chance(0.6)) cmds.push(`chown ${r.pick(["0:4005", "4007:0", "4000:4100"])} /srcd/sub/g`);
  if (r.chance(0.5)) cmds.push(`chmod ${r.pick(["0750", "0700", "2775", "0555"])} /srcd/sub`);
  if (r.chance(0.4)) cmds.push(`chmod ${r.pick(["4755", "0600", "0444", "1644"])} /srcd/f`);
  if (r.chance(0.3)) cmds.push("chown -h 4005:4005 /srcd/l");
  if (r.chance(0.3)) cmds.push("ln /srcd/f /srcd/hard");
  return [`FROM ${BASE} AS src`, `RUN ${cmds.join(" && ")}`];
}

function copyFromStage(r: Random): string {
  const from = r.chance(0.85) ? r.pick(["src", "0"]) : BASE;
  const src = from === BASE ? r.pick(["/etc/passwd", "/etc", "/bin/sh", "/etc/"]) : r.pick(["/srcd", "/srcd/", "/srcd/*", "/srcd/f", "/srcd/l", "/srcd/sub", "/srcd/empty"]);
  const dest = r.pick(["/out/", "/out", "/etc/", "/srcd", "."]);
  const flags = [`--from=${from}`];
  if (r.chance(0.35)) flags.push(`--chown=${r.pick(CHOWNS)}`);
  return copyLine("COPY", flags, [src], dest);
}

export function compose(seed: number, index: number, only?: Family): Composition {
  const r = new Random(seed * 100003 + index);
  const family = only ?? FAMILIES[index % FAMILIES.length];
  const files = r.some(TREE, 6 + r.int(TREE.length - 6));
  // Links need what they point at (or deliberately not: "broken").
  if (files.some((f) => f.path.startsWith("d/")) && !files.some((f) => f.path === "d/one.txt")) files.push(TREE[8]);
  const lines: string[] = [];
  const spec: Record<string, unknown> = { bases: ["busybox"], tag: `builder-gen/g${seed}-${index}:latest`, generated: { seed, index, family } };
  let body: string[] = [];
  const n = 2 + r.int(5);
  const meta = () => (r.chance(0.7) ? [r.pick(METAS)] : []);
  switch (family) {
    case "copy-context":
      for (let i = 0; i < n; i++) body.push(r.chance(0.75) ? copyFromContext(r) : r.pick(RUNS));
      body.push(...meta());
      break;
    case "copy-from":
      lines.push(...sourceStage(r));
      for (let i = 0; i < Math.max(1, n - 2); i++) body.push(r.chance(0.7) ? copyFromStage(r) : r.pick([...RUNS, ...METAS]));
      break;
    case "run-fs":
      for (let i = 0; i < n; i++) body.push(r.chance(0.75) ? r.pick(RUNS) : r.pick([...METAS, copyFromContext(r)]));
      break;
    case "config":
      for (let i = 0; i < n + 2; i++) body.push(r.chance(0.85) ? r.pick(METAS) : r.pick(RUNS));
      if (r.chance(0.4)) body.push(r.pick(USERS));
      if (body.some((l) => l.startsWith("ARG"))) spec.build_args = { A: "from-cli" };
      break;
    case "cache":
      for (let i = 0; i < n; i++) body.push(r.pick([copyFromContext(r), r.pick(RUNS), r.pick(METAS), "ARG A", 'RUN echo "$A" > /argfile']));
      spec.rebuild = true;
      if (r.chance(0.6)) {
        const f = r.pick(files.filter((x) => x.content !== undefined));
        if (f) spec.mutate = [{ path: f.path, content: (f.content ?? "") + "changed\n" }];
      }
      if (r.chance(0.4)) spec.mutate_build_args = { A: "2" };
      spec.build_args = { A: "1" };
      break;
    case "buildkit": {
      const withSrc = r.chance(0.4);
      if (withSrc) lines.push(...sourceStage(r));
      let k = 0;
      const uniq = () => `g${seed}-${index}-${k++}`;
      for (let i = 0; i < n; i++) body.push(r.chance(0.7) ? buildkitStep(r, uniq, withSrc) : r.pick([...RUNS, ...METAS, copyFromContext(r)]));
      spec.builder = "buildkit";
      spec.rebuild = true;
      if (r.chance(0.5)) {
        const f = r.pick(files.filter((x) => x.content !== undefined));
        if (f) spec.mutate = [{ path: f.path, content: (f.content ?? "") + "changed\n" }];
      }
      break;
    }
  }
  if (family !== "cache" && family !== "buildkit" && r.chance(0.3)) spec.rebuild = true;
  lines.push(`FROM ${BASE}`, ...body);
  return { name: `g-${seed}-${String(index).padStart(3, "0")}`, family, case: spec, files, dockerfile: lines.join("\n") + "\n" };
}
