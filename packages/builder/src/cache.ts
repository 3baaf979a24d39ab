import type { ContainerConfig } from "@tsbuild/image";

/**
 * Docker's image/cache compare(), field by field, in words a user can act on: no difference is a
 * cache hit. WorkingDir, Shell, Healthcheck, OnBuild, StopSignal and ArgsEscaped are deliberately
 * not compared (moby 20.10).
 */
export function configDifferences(probe: ContainerConfig, candidate: ContainerConfig): string[] {
  const out: string[] = [];
  if (probe.OpenStdin || candidate.OpenStdin) out.push("OpenStdin is set");
  if (probe.AttachStdout !== candidate.AttachStdout) out.push("AttachStdout differs");
  if (probe.AttachStderr !== candidate.AttachStderr) out.push("AttachStderr differs");
  if (probe.User !== candidate.User) out.push(`USER: "${candidate.User}" → "${probe.User}"`);
  if (probe.Tty !== candidate.Tty) out.push("Tty differs");
  listDiff("command", probe.Cmd, candidate.Cmd, out);
  listDiff("environment", probe.Env, candidate.Env, out);
  listDiff("entrypoint", probe.Entrypoint, candidate.Entrypoint, out);
  mapDiff("labels", probe.Labels, candidate.Labels, true, out);
  mapDiff("exposed ports", probe.ExposedPorts, candidate.ExposedPorts, false, out);
  mapDiff("volumes", probe.Volumes, candidate.Volumes, false, out);
  return out;
}

function listDiff(what: string, a: string[] | null | undefined, b: string[] | null | undefined, out: string[]) {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length === y.length && x.every((v, i) => v === y[i])) return;
  const removed = y.filter((v) => !x.includes(v));
  const added = x.filter((v) => !y.includes(v));
  const parts: string[] = [];
  if (removed.length) parts.push(`was ${removed.map((s) => JSON.stringify(s)).join(", ")}`);
  if (added.length) parts.push(`now ${added.map((s) => JSON.stringify(s)).join(", ")}`);
  out.push(`${what} differs${parts.length ? ": " + parts.join("; ") : " (order)"}`);
}

function mapDiff(what: string, a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined, values: boolean, out: string[]) {
  const x = a ?? {};
  const y = b ?? {};
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  const same = kx.length === ky.length && kx.every((k) => k in y && (!values || x[k] === y[k]));
  if (!same) out.push(`${what} differ`);
}
