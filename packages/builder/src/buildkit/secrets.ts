import { readFileSync } from "node:fs";
import { posix } from "node:path";
import type { RunMount } from "@tsbuild/parser";
import type { RootFS } from "@tsbuild/fs-snapshot";

/** `--secret id=…,src=…|env=…` as the build was given it (src already absolute). */
export interface BuildSecret {
  id: string;
  src?: string;
  env?: string;
}

/** A secret placed for one RUN: where it is, so it can be taken away before the commit. */
export interface PlacedSecret {
  path: string;
}

/** The secret's id: `id=`, else the source's base name, as BuildKit names it. */
export function secretId(m: RunMount): string {
  return m.cacheId ?? (m.source ? posix.basename(m.source) : posix.basename(m.target ?? ""));
}

/** Where a secret lands: its target (relative to WORKDIR), else /run/secrets/<id>. */
export function secretTarget(m: RunMount, workdir: string): string {
  return posix.resolve("/", workdir || "/", m.target ?? `/run/secrets/${secretId(m)}`);
}

function secretBytes(s: BuildSecret, env: NodeJS.ProcessEnv): Buffer | undefined {
  if (s.env !== undefined) return env[s.env] === undefined ? undefined : Buffer.from(env[s.env]!);
  try {
    return readFileSync(s.src ?? s.id);
  } catch (e) {
    throw new Error(`failed to read secret ${s.id} from ${s.src ?? s.id}: ${(e as Error).message}`);
  }
}

/**
 * BuildKit mounts each secret read-only over a stub at its target: the command sees the bytes
 * (mode 0400 and owner 0:0 unless the mount says otherwise), the parents the mount needed stay in
 * the layer, the file never does (recorded from Docker 20.10's BuildKit). Here the file is written
 * inside the step and removed before the commit, so the step's diff holds only those parents.
 * A secret the build was not given is skipped unless the mount is `required`.
 */
export function placeSecrets(fs: RootFS, mounts: RunMount[], given: BuildSecret[], workdir: string, env: NodeJS.ProcessEnv): PlacedSecret[] {
  const placed: PlacedSecret[] = [];
  for (const m of mounts) {
    if (m.type !== "secret") continue;
    const id = secretId(m);
    const secret = given.find((s) => s.id === id);
    const data = secret && secretBytes(secret, env);
    if (!data) {
      if (m.required) throw new Error(`secret ${id} not found: not found`);
      continue;
    }
    const path = secretTarget(m, workdir);
    // Docker's mount would hide the file without touching the layer; a write and a removal here would whiteout it.
    if (fs.exists(path)) throw new Error(`secret ${id}: mounting a secret over the image's own ${path} is not supported by tsbuild`);
    fs.mkdir(posix.dirname(path), { recursive: true, mode: 0o755, owner: { uid: 0, gid: 0 } });
    fs.writeFile(path, data, { mode: m.mode ?? 0o400, owner: { uid: m.uid ?? 0, gid: m.gid ?? 0 } });
    placed.push({ path });
  }
  return placed;
}

/** Takes the placed secrets away again: a file made and removed in one step leaves no trace in its layer. */
export function removeSecrets(fs: RootFS, placed: PlacedSecret[]): void {
  for (const p of placed) if (fs.exists(p.path)) fs.rm(p.path, { force: true });
}
