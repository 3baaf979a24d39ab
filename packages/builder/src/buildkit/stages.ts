import type { Dockerfile, Instruction, Stage } from "@tsbuild/parser";
import { ShellLex } from "@tsbuild/parser";

/** Instructions that are vertices of BuildKit's graph (a numbered `[k/m]` line); the rest only change the config. */
export const FILE_OPS = new Set(["RUN", "COPY", "ADD", "WORKDIR"]);

/** Resolves stage references (FROM, COPY --from, RUN --mount from=) as dockerfile2llb does: a name or an index of an earlier stage, meta args substituted. */
export class StageRefs {
  private readonly lex: ShellLex;
  private readonly env = new Map<string, string>();

  /** `named`: the build's named contexts (`--build-context`), which replace stages of their name. */
  constructor(private readonly df: Dockerfile, private readonly plan: Stage[], metaArgs: Map<string, string | undefined>, private readonly named: ReadonlySet<string> = new Set()) {
    for (const [k, v] of metaArgs) if (v !== undefined) this.env.set(k, v);
    this.lex = new ShellLex(df.escapeChar);
  }

  private word(w: string): string {
    try {
      return this.lex.processWord(w, this.env);
    } catch {
      return w;
    }
  }

  private byRef(ref: string, before: number): Stage | undefined {
    const lower = ref.toLowerCase();
    if (this.named.has(lower)) return undefined;
    const named = this.plan.find((s) => s.index < before && s.name === lower);
    if (named) return named;
    return /^\d+$/.test(ref) && Number(ref) < before ? this.plan[Number(ref)] : undefined;
  }

  /** The stage `stage` is built on, if its FROM names one. */
  base(stage: Stage): Stage | undefined {
    return this.byRef(this.word(stage.baseName), stage.index);
  }

  /** The stages one instruction reads: COPY --from and RUN --mount=…,from= both make them inputs. */
  inputs(stage: Stage, ins: Instruction): Stage[] {
    const froms = ins.kind === "COPY" ? [ins.flag("from")] : ins.kind === "RUN" ? (ins.mounts ?? []).map((m) => m.from) : [];
    const out: Stage[] = [];
    for (const from of froms) {
      const dep = from !== undefined ? this.byRef(this.word(from), stage.index) : undefined;
      if (dep) out.push(dep);
    }
    return out;
  }
}

/**
 * The stages BuildKit solves: the target and what it needs through FROM <stage> and COPY --from,
 * in file order. Stages nothing needs are never run (dockerfile2llb only builds the target's graph).
 */
export function neededStages(df: Dockerfile, plan: Stage[], metaArgs: Map<string, string | undefined>, named: ReadonlySet<string> = new Set()): Stage[] {
  const refs = new StageRefs(df, plan, metaArgs, named);
  const need = new Set<number>();
  const visit = (s: Stage) => {
    if (need.has(s.index)) return;
    need.add(s.index);
    const base = refs.base(s);
    if (base) visit(base);
    for (const ins of s.instructions) for (const dep of refs.inputs(s, ins)) visit(dep);
  };
  visit(plan[plan.length - 1]);
  return plan.filter((s) => need.has(s.index));
}

/**
 * The `[name k/m]` prefix: named stages by name, unnamed ones as stage-N when there are several.
 * dockerfile2llb counts the stage it makes for each `COPY --from=<image>` too (`implicit`): one
 * FROM and a COPY --from an image is labelled `stage-0` (recorded, g-29-004).
 */
export function stageLabel(df: Dockerfile, stage: Stage, implicit = 0): string {
  if (stage.name) return stage.name + " ";
  return df.stages.length + implicit > 1 ? `stage-${stage.index} ` : "";
}

/**
 * The `COPY --from` and `RUN --mount` sources of `stages` that name no earlier stage: images, each
 * a stage of its own in dockerfile2llb (a cache mount without `from` stands on an empty one,
 * "scratch"; recorded: a single FROM with a cache mount is labelled stage-0, g-29-033).
 */
export function implicitStageImages(df: Dockerfile, stages: Stage[], metaArgs: Map<string, string | undefined>): string[] {
  const env = new Map<string, string>();
  for (const [k, v] of metaArgs) if (v !== undefined) env.set(k, v);
  const lex = new ShellLex(df.escapeChar);
  const word = (w: string) => {
    try {
      return lex.processWord(w, env);
    } catch {
      return w;
    }
  };
  const out: string[] = [];
  for (const s of stages) {
    for (const ins of s.instructions) {
      const mounts = ins.kind === "RUN" ? (ins.mounts ?? []).filter((m) => m.type !== "tmpfs") : [];
      const froms = ins.kind === "COPY" ? [ins.flag("from")] : mounts.map((m) => m.from ?? (m.type === "cache" ? "scratch" : undefined));
      for (const from of froms) {
        if (from === undefined) continue;
        const ref = word(from);
        const lower = ref.toLowerCase();
        const stage = df.stages.find((x) => x.index < s.index && (x.name === lower || (/^\d+$/.test(ref) && Number(ref) === x.index)));
        if (!stage) out.push(ref);
      }
    }
  }
  return out;
}

/** How many numbered vertices a stage has: its FROM of an image, then each file operation. */
export function vertexCount(stage: Stage, fromIsImage: boolean, triggers: Instruction[] = []): number {
  return (fromIsImage ? 1 : 0) + [...triggers, ...stage.instructions].filter((i) => FILE_OPS.has(i.kind)).length;
}

/** fmt's %*d: the index padded to the width of the total, as prefixCommand prints it. */
export function counter(k: number, m: number): string {
  return `${String(k).padStart(String(m).length)}/${m}`;
}

/** The reference BuildKit names in a FROM vertex: docker.io/library/busybox:latest. */
export function fullReference(name: string, tag?: string, digest?: string, defaultTag: string | null = "latest"): string {
  const first = name.split("/")[0];
  const hasDomain = name.includes("/") && (/[.:]/.test(first) || first === "localhost");
  const full = hasDomain ? name : name.includes("/") ? `docker.io/${name}` : `docker.io/library/${name}`;
  if (digest) return `${full}@${digest}`;
  const t = tag ?? defaultTag;
  return t === null ? full : `${full}:${t}`;
}
