import type { BuildRecord, ContainerConfig } from "@tsbuild/image";
import { configDifferences } from "./cache.js";

/**
 * Why a step missed the cache, in words that name what to look at: the instruction text, a build
 * arg's value, the context files whose content changed (by path). The nearest candidate is the
 * image built from the same parent whose config differs least.
 */
export function missReasons(
  probe: ContainerConfig,
  candidate: ContainerConfig,
  candidateRecord: BuildRecord | undefined,
  sources: Record<string, string> | undefined,
): string[] {
  const now = probe.Cmd ?? [];
  const was = candidate.Cmd ?? [];
  const reasons: string[] = [];
  const copyNow = copyParts(now);
  const copyWas = copyParts(was);
  const argsNow = buildArgs(now);
  const argsWas = buildArgs(was);
  if (copyNow && copyWas && copyNow.rest === copyWas.rest && copyNow.hash !== copyWas.hash) {
    reasons.push(...sourceChanges(candidateRecord?.sources, sources, copyWas.hash, copyNow.hash));
  } else if (argsNow.command === argsWas.command && (argsNow.args.size || argsWas.args.size)) {
    for (const k of new Set([...argsNow.args.keys(), ...argsWas.args.keys()])) {
      const a = argsWas.args.get(k);
      const b = argsNow.args.get(k);
      if (a !== b) reasons.push(`build arg ${k}: ${a === undefined ? "unset" : JSON.stringify(a)} → ${b === undefined ? "unset" : JSON.stringify(b)}`);
    }
  } else if (JSON.stringify(now) !== JSON.stringify(was)) {
    reasons.push(`the instruction differs: cached \`${shown(was)}\`, now \`${shown(now)}\``);
  }
  for (const d of configDifferences(probe, candidate)) if (!d.startsWith("command differs")) reasons.push(d);
  return reasons.length ? reasons : ["the image config differs from the cached image's"];
}

/** The same instruction, but for its sources' content or its build args' values. */
export function sameInstruction(now: string[], was: string[]): boolean {
  const a = copyParts(now);
  const b = copyParts(was);
  if (a && b) return a.rest === b.rest;
  return buildArgs(now).command === buildArgs(was).command;
}

function shown(cmd: string[]): string {
  const s = cmd.join(" ");
  return s.length > 120 ? s.slice(0, 117) + "..." : s;
}

const COPY_RE = /^#\(nop\) (COPY|ADD) (.*?)((?:file|dir|multi):[0-9a-f]{64}|\S+)( in .*)$/s;

function copyParts(cmd: string[]): { hash: string; rest: string } | undefined {
  const last = cmd[cmd.length - 1] ?? "";
  const m = COPY_RE.exec(last);
  return m ? { hash: m[3], rest: `${m[1]} ${m[2]}${m[4]}` } : undefined;
}

function buildArgs(cmd: string[]): { args: Map<string, string>; command: string } {
  const args = new Map<string, string>();
  if (!/^\|\d+$/.test(cmd[0] ?? "")) return { args, command: cmd.join(" ") };
  const n = Number(cmd[0].slice(1));
  for (const kv of cmd.slice(1, 1 + n)) {
    const i = kv.indexOf("=");
    args.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return { args, command: cmd.slice(1 + n).join(" ") };
}

function sourceChanges(before: Record<string, string> | undefined, after: Record<string, string> | undefined, hashWas: string, hashNow: string): string[] {
  if (!before || !after) return [`the COPY sources' content changed (${short(hashWas)} → ${short(hashNow)})`];
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const [p, h] of Object.entries(after)) {
    if (!(p in before)) added.push(p);
    else if (before[p] !== h) changed.push(p);
  }
  for (const p of Object.keys(before)) if (!(p in after)) removed.push(p);
  const out: string[] = [];
  if (changed.length) out.push(`context files changed: ${list(changed)}`);
  if (added.length) out.push(`context files added: ${list(added)}`);
  if (removed.length) out.push(`context files removed: ${list(removed)}`);
  return out.length ? out : [`the COPY sources' metadata changed (${short(hashWas)} → ${short(hashNow)})`];
}

function list(paths: string[]): string {
  const sorted = [...paths].sort();
  return sorted.length > 10 ? `${sorted.slice(0, 10).join(", ")} and ${sorted.length - 10} more` : sorted.join(", ");
}

function short(h: string): string {
  return h.replace(/^(\w+:)([0-9a-f]{12})[0-9a-f]+$/, "$1$2");
}
