import { goJSON, serializeConfig, type ContainerConfig, type Digest, type HistoryEntry, type ImageConfigFile } from "@tsbuild/image";

export const HISTORY_COMMENT = "buildkit.dockerfile.v0";

/**
 * The image config BuildKit's dockerfile frontend writes (20.10's built-in one): empty fields
 * left out, OnBuild always present, ArgsEscaped set, no container fields.
 */
export function buildkitConfig(c: ContainerConfig, argsEscaped = false): ContainerConfig {
  const out: Record<string, unknown> = {};
  const some = (v: unknown) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0) && !(typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);
  // dockerfile2llb's ImageConfig: the OCI fields in their order, then Healthcheck, ArgsEscaped, OnBuild, Shell.
  for (const k of ["User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels", "StopSignal", "Healthcheck"] as const) {
    if (some(c[k])) out[k] = structuredClone(c[k]);
  }
  // dispatchCmd sets it; nothing else does (ENTRYPOINT leaves it alone).
  if (argsEscaped) out.ArgsEscaped = true;
  out.OnBuild = c.OnBuild && c.OnBuild.length ? [...c.OnBuild] : null;
  if (some(c.Shell)) out.Shell = [...c.Shell!];
  return out as unknown as ContainerConfig;
}

/** The config bytes: Docker's top-level layout, with the config exactly as BuildKit leaves it (no zero-valued keys). */
export function serializeBuildKitConfig(img: ImageConfigFile): Buffer {
  const top = JSON.parse(serializeConfig(img).toString("utf8")) as Record<string, unknown>;
  top.config = img.config;
  return Buffer.from(goJSON(top));
}

/** The stage's config after a step: its layers and one more history entry (none: the config alone changed). */
export function withStep(base: ImageConfigFile | undefined, diffIDs: Digest[], entry: HistoryEntry | null, config: ContainerConfig, argsEscaped = false): ImageConfigFile {
  return {
    architecture: base?.architecture ?? "amd64",
    os: base?.os ?? "linux",
    ...(base?.variant ? { variant: base.variant } : {}),
    config: buildkitConfig(config, argsEscaped),
    created: entry?.created ?? base?.created ?? "",
    history: [...(base?.history ?? []), ...(entry ? [entry] : [])],
    rootfs: { type: "layers", diff_ids: [...diffIDs] },
  };
}

/** dockerfile2llb's dispatchOnbuild only appends the trigger to the config: no history entry (g-17-013). */
export function writesHistory(classicText: string): boolean {
  return !classicText.startsWith("ONBUILD ");
}

/** EXPOSE as BuildKit records it: Go's %v of the port set, a map with sorted keys. */
export function buildkitHistoryText(classicText: string): string {
  const m = /^EXPOSE (.*)$/s.exec(classicText);
  if (!m) return classicText;
  const ports = m[1].split(" ").filter(Boolean).map((p) => (p.includes("/") ? p : p + "/tcp")).sort();
  return `EXPOSE map[${ports.map((p) => `${p}:{}`).join(" ")}]`;
}
