import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "../lib/context.js";
import { Docker } from "../lib/docker.js";
import { EXAMPLES } from "../lib/paths.js";
import { check, run, tsbuild } from "../lib/proc.js";
import type { BenchResult, Target } from "../lib/report.js";
import { median, ms, versus } from "../lib/stats.js";

/**
 * Benchmark 7: real-world builds, as users run them, on a real Debian bookworm root filesystem
 * (debootstrap, as ../shared/realworld/make-debian-rootfs.sh makes it) imported into both
 * tsbuild's store and the daemon: apt from the machine's Debian archive, and a multi-stage node
 * build whose npm ci reaches the npm registry. Whole processes, cold and warm, against Docker
 * 20.10's classic builder and BuildKit in the same minutes; both Docker builders need
 * `--network host` for RUN steps that download.
 *
 * Downloads dominate a cold build and are the network's figure, not a builder's. tsbuild keeps
 * them in its content cache, so it is timed twice cold: with an empty content cache (it downloads,
 * as Docker does every time) and with the content cache kept from the previous run. The apk
 * examples run alone: their `apk` is tsbuild's own program over its built-in alpine image, and no
 * Alpine archive is reachable here, so Docker has nothing to run them with.
 */
export async function realWorldBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const title = "Real-world builds (a real Debian base, packages from the archive and the npm registry)";
  const rows: Array<[string, string]> = [];
  const notes: string[] = [];
  const targets: Target[] = [];
  const result = (): BenchResult => ({ id: 7, title, rows, targets, notes });

  await apkExamples(ctx, rows);

  const rootfs = process.env.DEBIAN_ROOTFS_TAR ?? "/work/refs/debian-bookworm-rootfs.tar";
  const mirror = debianMirror();
  const why = !existsSync(rootfs)
    ? `no Debian root filesystem at ${rootfs} (make one with ../shared/realworld/make-debian-rootfs.sh, or set DEBIAN_ROOTFS_TAR)`
    : !mirror
      ? "no Debian archive in this machine's apt sources"
      : await unreachable(`${mirror}/dists/bookworm/InRelease`);
  if (why) {
    rows.push(["apt and node builds", `skipped: ${why}`]);
    return result();
  }
  const docker = ctx.docker instanceof Docker ? ctx.docker : undefined;
  if (!docker) notes.push(`no Docker baseline: ${ctx.docker as string}`);
  const base = docker ? docker.ref("debian:bookworm") : `bench-${process.pid}/debian:bookworm`;
  // The CA bundle the machine's TLS connections need (a proxy's), for tsbuild's downloads and,
  // copied into the context, for npm inside Docker's container.
  const ca = process.env.NODE_EXTRA_CA_CERTS && existsSync(process.env.NODE_EXTRA_CA_CERTS) ? process.env.NODE_EXTRA_CA_CERTS : undefined;
  const env = { ...process.env, ...(ca ? { NODE_EXTRA_CA_CERTS: ca } : {}) };

  ctx.log("real-world: importing the Debian root filesystem");
  const template = join(ctx.work, "rw-template");
  check(await tsbuild(["import", "--root", template, rootfs, base]), "tsbuild import of the Debian root filesystem");
  if (docker) await docker.importTar(rootfs, base);

  const builds: RealBuild[] = [{ name: "apt", dir: aptContext(ctx.work, base) }];
  const node = await nodeContext(ctx.work, base, ca, env);
  if ("skipped" in node) notes.push(`node build skipped: ${node.skipped}`);
  else builds.push({ name: "node multi-stage", dir: node.dir });

  for (const b of builds) {
    const s = { tsColdFetch: [] as number[], tsCold: [] as number[], tsWarm: [] as number[], classicCold: [] as number[], classicWarm: [] as number[], kitCold: [] as number[], kitWarm: [] as number[] };
    const content = join(ctx.work, `rw-content-${b.name.replace(/\W+/g, "-")}`);
    for (let i = 0; i < ctx.runs; i++) {
      ctx.log(`real-world ${b.name}: run ${i + 1}/${ctx.runs}`);
      // Empty content cache, then the one this build just filled; the store is fresh both times.
      rmSync(content, { recursive: true, force: true });
      for (const list of [s.tsColdFetch, s.tsCold]) {
        const root = join(ctx.work, "rw-store");
        rmSync(root, { recursive: true, force: true });
        cpSync(template, root, { recursive: true });
        list.push(check(await tsbuild(["build", "--root", root, "-t", "rw:1", b.dir], { env: { ...env, TSBUILD_CONTENT_DIR: content } }), `tsbuild ${b.name}`).ms);
        if (list === s.tsCold) s.tsWarm.push(check(await tsbuild(["build", "--root", root, "-t", "rw:1", b.dir], { env: { ...env, TSBUILD_CONTENT_DIR: content } }), `tsbuild ${b.name} warm`).ms);
      }
      if (docker) {
        const tag = docker.ref(`rw-${b.name.replace(/\W+/g, "-")}:1`);
        s.classicCold.push(check(await docker.build(b.dir, { tag, noCache: true, network: "host" }), `docker build ${b.name}`).ms);
        s.classicWarm.push(check(await docker.build(b.dir, { tag, network: "host" }), `docker build ${b.name} warm`).ms);
        s.kitCold.push(check(await docker.buildkit(b.dir, { tag: `${tag}-kit`, noCache: true, network: "host" }), `buildkit ${b.name}`).ms);
        s.kitWarm.push(check(await docker.buildkit(b.dir, { tag: `${tag}-kit`, network: "host" }), `buildkit ${b.name} warm`).ms);
      }
    }
    rows.push([`${b.name}: tsbuild cold, empty content cache (downloads)`, spread(s.tsColdFetch)]);
    rows.push([`${b.name}: tsbuild cold, content cached`, spread(s.tsCold)]);
    rows.push([`${b.name}: tsbuild warm`, spread(s.tsWarm)]);
    if (docker) {
      rows.push([`${b.name}: docker classic cold / warm`, `${spread(s.classicCold)} / ${spread(s.classicWarm)}`]);
      rows.push([`${b.name}: buildkit cold / warm`, `${spread(s.kitCold)} / ${spread(s.kitWarm)}`]);
      rows.push([`${b.name}: tsbuild vs classic, cold (downloading) / cold (cached) / warm`, `${versus(median(s.classicCold), median(s.tsColdFetch))} / ${versus(median(s.classicCold), median(s.tsCold))} / ${versus(median(s.classicWarm), median(s.tsWarm))}`]);
      rows.push([`${b.name}: tsbuild vs buildkit, cold (downloading) / cold (cached) / warm`, `${versus(median(s.kitCold), median(s.tsColdFetch))} / ${versus(median(s.kitCold), median(s.tsCold))} / ${versus(median(s.kitWarm), median(s.tsWarm))}`]);
      const worst = Math.min(median(s.classicCold), median(s.kitCold)) / median(s.tsColdFetch);
      targets.push({ name: `${b.name}: cold, downloading as Docker does, no slower than classic and BuildKit`, met: worst >= 1, detail: `${worst.toFixed(2)}× the faster of the two` });
    }
  }
  return result();
}

interface RealBuild {
  name: string;
  dir: string;
}

/** The apk examples by tsbuild alone (see the header): cold from a fresh store, then warm. */
async function apkExamples(ctx: BenchContext, rows: Array<[string, string]>): Promise<void> {
  for (const name of ["apk-single", "apk-split"]) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const root = join(ctx.work, "rw-apk-store");
      rmSync(root, { recursive: true, force: true });
      cold.push(check(await tsbuild(["build", "--root", root, "-t", `${name}:1`, join(EXAMPLES, name)]), `tsbuild ${name}`).ms);
      warm.push(check(await tsbuild(["build", "--root", root, "-t", `${name}:1`, join(EXAMPLES, name)]), `tsbuild ${name} warm`).ms);
    }
    rows.push([`examples/${name}: tsbuild cold / warm (no Docker peer: see above)`, `${spread(cold)} / ${spread(warm)}`]);
  }
}

function aptContext(work: string, base: string): string {
  const dir = join(work, "rw-apt");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), `FROM ${base}
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*
`);
  return dir;
}

/**
 * A multi-stage node build: Debian's node and npm in a build stage, `npm ci` of a small lockfile
 * made now (so that no registry's address is written in this repository), and a runtime stage
 * with node alone and the app copied in.
 */
async function nodeContext(work: string, base: string, ca: string | undefined, env: NodeJS.ProcessEnv): Promise<{ dir: string } | { skipped: string }> {
  const dir = join(work, "rw-node");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "rw-app", version: "1.0.0", private: true, dependencies: { ms: "2.1.3", semver: "7.6.3", debug: "4.3.7" } }, null, 2) + "\n");
  writeFileSync(join(dir, "index.js"), 'console.log(require("ms")("2h"));\n');
  const lock = await run("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, env });
  if (lock.code !== 0 || !existsSync(join(dir, "package-lock.json"))) return { skipped: `npm could not make a lockfile (${(lock.stderr || lock.stdout).trim().split("\n").pop()})` };
  // The container trusts what this machine trusts: the CA bundle goes in with the sources.
  const trust = ca ? "COPY machine-ca.crt /machine-ca.crt\nENV NODE_EXTRA_CA_CERTS=/machine-ca.crt\n" : "";
  if (ca) writeFileSync(join(dir, "machine-ca.crt"), readFileSync(ca));
  writeFileSync(join(dir, "Dockerfile"), `FROM ${base} AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm
${trust}WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY index.js .

FROM ${base}
RUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
CMD ["node", "/app/index.js"]
`);
  return { dir };
}

/** The first Debian archive in this machine's apt sources (deb822 or one-line), read at run time. */
function debianMirror(): string | undefined {
  const files = ["/etc/apt/sources.list"];
  try {
    for (const n of readdirSync("/etc/apt/sources.list.d")) if (/\.(sources|list)$/.test(n)) files.push(join("/etc/apt/sources.list.d", n));
  } catch {
    // no such directory
  }
  for (const f of files) {
    let text = "";
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    const uris = [...text.matchAll(/^URIs:\s*(.+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/));
    uris.push(...[...text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/gm)].map((m) => m[1]));
    const archive = uris.find((u) => !/security/.test(u));
    if (archive) return archive.replace(/\/$/, "");
  }
  return undefined;
}

async function unreachable(url: string): Promise<string | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await r.arrayBuffer();
    return r.ok ? undefined : `the Debian archive answered ${r.status} for ${url}`;
  } catch (e) {
    return `the Debian archive is unreachable (${(e as Error).message})`;
  }
}

/** Median with the range, e.g. "4.81 s (4.62–5.10 s)". */
function spread(xs: number[]): string {
  return xs.length > 1 ? `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})` : ms(median(xs));
}
