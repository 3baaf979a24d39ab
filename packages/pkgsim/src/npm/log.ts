import type { FileSystem } from "@tsbuild/fs-snapshot";
import { mkdirs } from "./extract.js";

export interface LogFacts {
  cacheDir: string;
  prefix: string;
  command: string;
  args: string[];
  npmVersion: string;
  nodeVersion: string;
  npmRoot: string;
  /** Installed packages: their lockfile path, name, version, tarball URL, fetch time (ms) or undefined when the cache answered. */
  packages: Array<{ path: string; name: string; version: string; url: string; ms?: number }>;
  bins: string[];
  now: Date;
  owner: { uid: number; gid: number };
}

/**
 * npm 9's debug log (`_logs/<time>-debug-0.log`) and the update notifier's stamp, which every
 * npm run leaves beside the cache. The lines follow npm 9.2's for `npm ci` (recorded from a
 * Docker build); the audit's lines are left out (tsbuild does not ask the registry for an
 * audit), and timings are tsbuild's own.
 */
export function writeNpmLog(fs: FileSystem, f: LogFacts): void {
  const logs = `${f.cacheDir}/_logs`;
  mkdirs(fs, logs, 0o755, f.owner);
  const stamp = f.now.toISOString().replace(/[:.]/g, "_");
  const file = `${logs}/${stamp}-debug-0.log`;
  const cwd = f.prefix || "/";
  const t = (what: string, ms = 0) => `timing ${what} Completed in ${ms}ms`;
  const byName = new Map<string, string[]>();
  for (const p of f.packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p.version]);
  const lines: string[] = [
    `verbose cli /usr/bin/node /usr/bin/npm`,
    `info using npm@${f.npmVersion}`,
    `info using node@${f.nodeVersion}`,
    t("npm:load:whichnode"), t("config:load:defaults"), t(`config:load:file:${f.npmRoot}/npmrc`), t("config:load:builtin"), t("config:load:cli"),
    t("config:load:env"), t(`config:load:file:${cwd === "/" ? "" : cwd}/.npmrc`), t("config:load:project"), t("config:load:file:/root/.npmrc"),
    t("config:load:user"), t("config:load:file:/etc/npmrc"), t("config:load:global"), t("config:load:setEnvs"), t("config:load"),
    t("npm:load:configload"), t("npm:load:mkdirpcache"), t("npm:load:mkdirplogs"),
    `verbose title npm ${f.args.join(" ")}`,
    `verbose argv ${f.args.map((a) => JSON.stringify(a)).join(" ")}`,
    t("npm:load:setTitle"), t("config:load:flatten"), t("npm:load:display"),
    `verbose logfile logs-max:10 dir:${logs}/${stamp}-`,
    `verbose logfile ${file}`,
    t("npm:load:logFile"), t("npm:load:timers"), t("npm:load:configScope"), t("npm:load"),
    "silly logfile done cleaning log files",
    t("config:load:flatten"), t("arborist:ctor"), t("idealTree:init"), t("idealTree:userRequests"),
    "silly idealTree buildDeps", t("idealTree:#root"), t("idealTree:buildDeps"), t("idealTree:fixDepFlags"), t("idealTree"),
    ...(f.command === "ci" ? [t("npm-ci:rm")] : []),
    t("reify:loadTrees"), t("reify:diffTrees"), "silly reify moves {}", t("reify:retireShallow"), t("reify:createSparse"), t("reify:loadBundles"),
    ...f.packages.map((p) => `silly tarball no local data for ${p.name}@${p.url}. Extracting by manifest.`),
    ...f.packages.flatMap((p) => [
      ...(p.ms !== undefined ? [`http fetch GET 200 ${p.url} ${p.ms}ms (cache miss)`] : []),
      t(`reifyNode:${p.path}`, p.ms ?? 0),
    ]),
    t("reify:unpack"), t("reify:unretire"), t("build:queue"),
    ...f.bins.map((b) => t(`build:link:${b}`)),
    t("build:link"), t("build:deps"), t("build"), t("reify:build"), t("reify:trash"), t("reify"),
    ...f.packages.map((p) => `silly ADD ${p.path}`),
    t(`command:${f.command}`),
    "verbose exit 0",
    t("npm"),
    "info ok",
  ];
  fs.writeFile(file, lines.map((l, i) => `${i} ${l}\n`).join(""), { mode: 0o644, owner: f.owner });
  const stampFile = `${f.cacheDir}/_update-notifier-last-checked`;
  // rewritten on every run (measured: a second npm run leaves it in its layer again)
  fs.writeFile(stampFile, "", { mode: 0o644, owner: f.owner });
}
