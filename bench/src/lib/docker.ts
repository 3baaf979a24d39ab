import { run, type ProcResult } from "./proc.js";

export interface DockerBuildOptions {
  tag: string;
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  /** --network (RUN steps that download need "host"); BuildKit's default here is "none". */
  network?: string;
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
      r = await run(dockerCli(), ["version", "--format", "{{.Server.Version}}"], { env: dockerEnv() });
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
    const r = await run(dockerCli(), ["import", file, ref], { env: dockerEnv() });
    if (r.code !== 0) throw new Error(`docker import ${file} ${ref} failed: ${r.stderr.trim()}`);
    this.created.push(r.stdout.trim());
    this.tags.add(ref);
  }

  /** One `docker build` as a whole process, timed; a failed build is returned, not thrown. */
  async build(dir: string, opts: DockerBuildOptions): Promise<ProcResult> {
    const args = ["build", "--force-rm", "-t", opts.tag];
    if (opts.network) args.push("--network", opts.network);
    if (opts.noCache) args.push("--no-cache");
    if (opts.target) args.push("--target", opts.target);
    for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
    args.push(dir);
    const r = await run(dockerCli(), args, { env: dockerEnv() });
    this.created.push(...createdImages(r.stdout));
    if (r.code === 0) this.tags.add(opts.tag);
    return r;
  }

  /**
   * The same build by BuildKit (the daemon's own, `DOCKER_BUILDKIT=1`, no network as tsbuild's
   * sandbox has none). Its image is found by its tag afterwards, for the cleanup.
   */
  async buildkit(dir: string, opts: DockerBuildOptions): Promise<ProcResult> {
    const args = ["build", "--network", opts.network ?? "none", "--progress", "plain", "-t", opts.tag];
    if (opts.noCache) args.push("--no-cache");
    if (opts.target) args.push("--target", opts.target);
    for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
    args.push(dir);
    const r = await run(dockerCli(), args, { env: { ...process.env, DOCKER_BUILDKIT: "1" } });
    if (r.code === 0) {
      this.tags.add(opts.tag);
      const id = await this.inspect(opts.tag, "{{.Id}}");
      if (id) this.created.push(short(id));
    }
    return r;
  }

  /** Removes this session's tags and the images it created, newest first; other images are not touched. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    const mine = await this.withAncestors(this.created.map(short));
    for (const tag of this.tags) {
      const id = await this.inspect(tag, "{{.Id}}");
      if (id === undefined) continue;
      if (!mine.has(short(id))) {
        problems.push(`left tag ${tag} in place: it names an image this session did not create`);
        continue;
      }
      await run(dockerCli(), ["rmi", "--no-prune", tag], { env: dockerEnv() });
    }
    // Newest first, so children go before their parents; a second pass catches any order the
    // output did not show.
    let left = [...mine].reverse();
    for (let pass = 0; pass < 2 && left.length; pass++) {
      for (let i = 0; i < left.length; i += 100) await run(dockerCli(), ["rmi", "--no-prune", ...left.slice(i, i + 100)], { env: dockerEnv() });
      const still: string[] = [];
      for (const id of left) if ((await this.inspect(id, "{{.Id}}")) !== undefined) still.push(id);
      left = still;
    }
    if (left.length) problems.push(`could not remove ${left.length} image(s) this session created: ${left.join(" ")}`);
    return problems;
  }

  /**
   * The created images plus the ancestors between them and another image of this session:
   * a build output does not name every image (an ONBUILD COPY's is silent), but every chain
   * this session built ends at a base it imported, or at a FROM scratch image it built.
   */
  private async withAncestors(created: string[]): Promise<Set<string>> {
    const mine = new Set(created);
    for (const id of created) {
      const path: string[] = [];
      let cur = await this.inspect(id, "{{.Parent}}");
      while (cur) {
        const p = short(cur);
        if (mine.has(p)) {
          for (const x of path) mine.add(x);
          break;
        }
        path.push(p);
        cur = await this.inspect(p, "{{.Parent}}");
      }
    }
    // Ancestors first: reversed for removal, they go after the images built on them.
    return new Set([...[...mine].filter((x) => !created.includes(x)), ...created]);
  }

  private async inspect(ref: string, format: string): Promise<string | undefined> {
    const r = await run(dockerCli(), ["image", "inspect", "--format", format, ref], { env: dockerEnv() });
    return r.code === 0 ? r.stdout.trim() : undefined;
  }
}

/** The 12-hex short ID of "sha256:…" or a short ID. */
function short(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

/**
 * The images a classic-builder build created, from its output: each ` ---> ID` but those that
 * follow ` ---> Using cache` and a FROM's own line naming its base. A FROM whose base has ONBUILD
 * triggers runs them inside its step (`# Executing N build triggers`): their images count.
 */
export function createdImages(output: string): string[] {
  const ids: string[] = [];
  let baseLine = false;
  let cached = false;
  for (const line of output.split("\n")) {
    const step = /^Step \d+\/\d+ : (\S+)/.exec(line);
    if (step) {
      baseLine = step[1].toUpperCase() === "FROM";
      cached = false;
      continue;
    }
    if (/^ ---> Using cache/.test(line)) cached = true;
    else if (/^# Executing \d+ build trigger/.test(line)) baseLine = false;
    else {
      const id = /^ ---> ([0-9a-f]{12})\s*$/.exec(line);
      if (!id) continue;
      if (!cached && !baseLine) ids.push(id[1]);
      cached = false;
      baseLine = false;
    }
  }
  return ids;
}

/**
 * The docker client: $DOCKER_CLI, else `docker` on the PATH (a machine may have several: the
 * reference machine's daemon is 20.10 and wants its own client, /usr/bin/docker).
 */
export function dockerCli(): string {
  return process.env.DOCKER_CLI || "docker";
}

/** The classic builder, whatever the caller's environment says. */
export function dockerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_BUILDKIT: "0" };
}
