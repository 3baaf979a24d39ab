import { run, type ProcResult } from "./proc.js";

export interface DockerBuildOptions {
  tag: string;
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
}

/**
 * The Docker baseline: `docker build` with the classic builder against $DOCKER_HOST. The daemon
 * is shared, so everything made here is tagged under this run's own prefix and only the images
 * this session created are removed at the end.
 */
export class Docker {
  /** Image IDs this session created, oldest first (children after their parents). */
  private readonly created: string[] = [];
  private readonly tags = new Set<string>();

  private constructor(
    readonly version: string,
    /** The repository prefix of this session's tags: "bench-<pid>". */
    readonly prefix: string,
  ) {}

  /** A Docker client talking to a daemon, or the reason there is none. */
  static async connect(): Promise<Docker | string> {
    let r: ProcResult;
    try {
      r = await run("docker", ["version", "--format", "{{.Server.Version}}"], { env: dockerEnv() });
    } catch (e) {
      return `no docker client (${(e as Error).message})`;
    }
    if (r.code !== 0) return `no dockerd reachable at ${process.env.DOCKER_HOST ?? "the default socket"} (${r.stderr.trim().split("\n")[0]})`;
    return new Docker(r.stdout.trim(), `bench-${process.pid}`);
  }

  ref(name: string): string {
    return `${this.prefix}/${name}`;
  }

  /** `docker import FILE REF`, once per reference in this session. */
  async importTar(file: string, ref: string): Promise<void> {
    if (this.tags.has(ref)) return;
    const r = await run("docker", ["import", file, ref], { env: dockerEnv() });
    if (r.code !== 0) throw new Error(`docker import ${file} ${ref} failed: ${r.stderr.trim()}`);
    this.created.push(r.stdout.trim());
    this.tags.add(ref);
  }

  /** One `docker build` as a whole process, timed; a failed build is returned, not thrown. */
  async build(dir: string, opts: DockerBuildOptions): Promise<ProcResult> {
    const args = ["build", "--force-rm", "-t", opts.tag];
    if (opts.noCache) args.push("--no-cache");
    if (opts.target) args.push("--target", opts.target);
    for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
    args.push(dir);
    const r = await run("docker", args, { env: dockerEnv() });
    this.created.push(...createdImages(r.stdout));
    if (r.code === 0) this.tags.add(opts.tag);
    return r;
  }

  /** Removes this session's tags and the images it created, newest first; other images are not touched. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    const mine = new Set(this.created.map(short));
    for (const tag of this.tags) {
      const id = await run("docker", ["image", "inspect", "--format", "{{.Id}}", tag], { env: dockerEnv() });
      if (id.code !== 0) continue;
      if (!mine.has(short(id.stdout.trim()))) {
        problems.push(`left tag ${tag} in place: it names an image this session did not create`);
        continue;
      }
      await run("docker", ["rmi", "--no-prune", tag], { env: dockerEnv() });
    }
    const ids = [...new Set([...this.created].reverse().map(short))];
    for (let i = 0; i < ids.length; i += 100) {
      await run("docker", ["rmi", "--no-prune", ...ids.slice(i, i + 100)], { env: dockerEnv() });
    }
    return problems;
  }
}

/** The 12-hex short ID of "sha256:…" or a short ID. */
function short(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

/**
 * The images a classic-builder build created, from its output: each step's ` ---> ID`, except a
 * step that used the cache and a FROM that only named its base (no trigger ran in a container).
 */
export function createdImages(output: string): string[] {
  const ids: string[] = [];
  let isFrom = false;
  let cached = false;
  let ranContainer = false;
  for (const line of output.split("\n")) {
    const step = /^Step \d+\/\d+ : (\S+)/.exec(line);
    if (step) {
      isFrom = step[1].toUpperCase() === "FROM";
      cached = false;
      ranContainer = false;
      continue;
    }
    if (/^ ---> Using cache/.test(line)) cached = true;
    else if (/^ ---> Running in /.test(line)) ranContainer = true;
    else {
      const id = /^ ---> ([0-9a-f]{12})\s*$/.exec(line);
      if (id && !cached && (!isFrom || ranContainer)) ids.push(id[1]);
    }
  }
  return ids;
}

/** The classic builder, whatever the caller's environment says. */
export function dockerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_BUILDKIT: "0" };
}
