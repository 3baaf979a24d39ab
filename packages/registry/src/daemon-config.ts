import { readFileSync } from "node:fs";

/** The parts of Docker's daemon.json that decide where pulls go. */
export interface DaemonConfig {
  /** Mirrors of Docker Hub, tried in order before it (`registry-mirrors`). */
  mirrors: string[];
  /** Registries spoken to in plain HTTP (`insecure-registries`; host[:port] entries, CIDRs ignored). */
  insecure: string[];
}

/** $TSBUILD_DAEMON_JSON, else /etc/docker/daemon.json, when it exists. */
export function daemonConfig(env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const path = env.TSBUILD_DAEMON_JSON || "/etc/docker/daemon.json";
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "ENOTDIR") return { mirrors: [], insecure: [] };
    throw e;
  }
  let v: { "registry-mirrors"?: unknown; "insecure-registries"?: unknown };
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : []);
  const mirrors = strings(v["registry-mirrors"]).map((m) => {
    let u: URL;
    try {
      u = new URL(m);
    } catch {
      throw new Error(`${path}: registry mirror ${JSON.stringify(m)} is not a URL (http:// or https://)`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`${path}: registry mirror ${m}: only http and https`);
    return `${u.protocol}//${u.host}`;
  });
  const insecure = strings(v["insecure-registries"]).filter((s) => !s.includes("/"));
  return { mirrors, insecure };
}
