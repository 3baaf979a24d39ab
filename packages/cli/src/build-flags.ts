import { writeFileSync } from "node:fs";
import { parseDockerfile } from "@tsbuild/parser";
import { UsageError, type Io } from "./command.js";

/**
 * --label k=v as the classic builder applies it (moby builder/dockerfile buildLabelOptions): one
 * `LABEL k=v` per key, sorted, appended to the stage being built (the --target stage, else the
 * last), so each is a step of its own in the output and in the history.
 */
export function withLabels(dockerfile: string, labels: string[], target: string | undefined): string {
  if (labels.length === 0) return dockerfile;
  const map = new Map<string, string>();
  for (const l of labels) {
    const i = l.indexOf("=");
    map.set(i < 0 ? l : l.slice(0, i), i < 0 ? "" : l.slice(i + 1));
  }
  const lines = [...map.keys()].sort().map((k) => `LABEL ${word(k)}=${word(map.get(k)!)}`);
  const parsed = parseDockerfile(dockerfile);
  const stage = target === undefined ? parsed.stages.at(-1) : parsed.stages.find((s) => s.name === target.toLowerCase());
  if (!stage) return dockerfile; // the builder reports the missing target or stage in its own words
  const last = stage.instructions.at(-1) ?? stage.from;
  const text = dockerfile.split("\n");
  const nl = dockerfile.includes("\r\n") ? "\r" : "";
  text.splice(last.endLine, 0, ...lines.map((l) => l + nl));
  return text.join("\n");
}

/** Docker's value, as one Dockerfile word: unquoted when plain, else quoted with $ kept literal. */
function word(s: string): string {
  return /^[A-Za-z0-9_.:/@+,-]*$/.test(s) && s !== "" ? s : `"${s.replace(/[\\"$]/g, (c) => "\\" + c)}"`;
}

export type Progress = "auto" | "plain" | "tty";

export function progressMode(v: unknown): Progress {
  if (v === undefined) return "auto";
  if (v === "auto" || v === "plain" || v === "tty") return v;
  throw new UsageError(`invalid progress mode "${String(v)}": use auto, plain or tty`);
}

/** --network: the classic builder's modes for RUN containers. */
export function networkMode(v: unknown): "default" | "host" | "none" | undefined {
  if (v === undefined) return undefined;
  if (v === "default" || v === "host" || v === "none") return v;
  throw new UsageError(`network mode "${String(v)}" not supported by tsbuild: use default, host or none`);
}

export interface Secret {
  id: string;
  src?: string;
  env?: string;
}

/** --secret id=NAME[,src=PATH|,env=VAR] (BuildKit's syntax; `type=file` is the default). */
export function parseSecrets(list: string[] | undefined): Secret[] {
  return (list ?? []).map((spec) => {
    const out: Record<string, string> = {};
    for (const field of spec.split(",")) {
      const i = field.indexOf("=");
      if (i < 0) throw new UsageError(`invalid secret "${spec}": field "${field}" must be a key=value pair`);
      const k = field.slice(0, i).toLowerCase();
      const v = field.slice(i + 1);
      if (k === "type" && v !== "file" && v !== "env") throw new UsageError(`invalid secret "${spec}": unsupported secret type "${v}"`);
      out[k === "source" ? "src" : k] = v;
    }
    if (!out.id) throw new UsageError(`invalid secret "${spec}": id is required`);
    const s: Secret = { id: out.id };
    if (out.src !== undefined) s.src = out.src;
    if (out.env !== undefined) s.env = out.env;
    if (s.src === undefined && s.env === undefined) s.src = out.id;
    return s;
  });
}

/** --iidfile: written after a successful build, as docker build writes it (the ID, no newline). */
export function writeIidFile(path: string | undefined, imageId: string): void {
  if (path) writeFileSync(path, imageId);
}

/** SOURCE_DATE_EPOCH from the environment, else 0 with --reproducible: every timestamp the build writes. */
export function sourceDateEpoch(values: Record<string, unknown>, io: Io): number | undefined {
  const env = io.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && env !== "") {
    if (!/^\d+$/.test(env)) throw new UsageError(`invalid SOURCE_DATE_EPOCH: ${env}`);
    return Number(env);
  }
  return values.reproducible ? 0 : undefined;
}
