import type { Fetcher } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { CommandModel } from "@tsbuild/shell";
import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { readText } from "../util/fsutil.js";
import { isElf, resolveReal, runShellScript } from "../lang/common.js";

const CI = new Set(["ci", "clean-install", "ic", "install-clean", "isntall-clean"]);
const INSTALL = new Set(["install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add"]);

interface Parsed { command: "ci" | "install"; omit: Set<string>; ignoreScripts: boolean; registry?: string; cache?: string; specs: string[]; saveDev: boolean; saveExact: boolean }

/** The npm arguments tsbuild covers: `ci` and a bare `install` (with a lockfile), with the options that change the result. */
export function parseNpm(args: string[]): Parsed | undefined {
  let command: Parsed["command"] | undefined;
  const omit = new Set<string>();
  let ignoreScripts = false;
  let registry: string | undefined;
  let cache: string | undefined;
  const specs: string[] = [];
  let saveDev = false;
  let saveExact = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [opt, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? args[++i];
    if (!a.startsWith("-")) {
      if (command === "install" && /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(@[^\s/:]+)?$/i.test(a)) {
        specs.push(a); // a registry name with a version, range or tag
        continue;
      }
      if (command) return undefined; // git, file, URL and alias specs: not covered
      if (CI.has(a)) command = "ci";
      else if (INSTALL.has(a)) command = "install";
      else return undefined;
      continue;
    }
    switch (opt) {
      case "--omit": omit.add(value() ?? ""); break;
      case "--production": case "--only=prod": case "--only=production": omit.add("dev"); break;
      case "--only": if (/^prod/.test(value() ?? "")) omit.add("dev"); break;
      case "--ignore-scripts": ignoreScripts = inline !== "false"; break;
      case "--registry": registry = value(); break;
      case "--cache": cache = value(); break;
      case "-D": case "--save-dev": saveDev = true; break;
      case "-E": case "--save-exact": saveExact = true; break;
      case "-S": case "--save": case "-P": case "--save-prod": break;
      case "--no-save": case "-O": case "--save-optional": case "--save-peer": case "-B": case "--save-bundle": return undefined;
      case "-g": case "--global": case "--location": case "-w": case "--workspace": case "--workspaces": case "--install-strategy":
      case "--global-style": case "--legacy-bundling": case "--install-links": case "--dry-run": case "--no-package-lock": case "--package-lock-only":
        return undefined;
      default: break; // --no-audit, --no-fund, --loglevel, --quiet, --prefer-offline, --no-optional…: same files
    }
  }
  if (!command) return undefined;
  if (command === "ci" && specs.length) return undefined;
  return { command, omit, ignoreScripts, registry, cache, specs, saveDev, saveExact };
}

/** The image's npm: the cli script PATH finds, and the npm package around it. */
function imageNpm(fs: FileSystem, path: string | undefined): { root: string } | undefined {
  if (!path) return undefined;
  const real = resolveReal(fs, path);
  if (!real || !/\/bin\/npm-cli\.js$/.test(real)) return undefined;
  const head = fs.readFile(real).subarray(0, 2).toString("latin1");
  if (head !== "#!") return undefined;
  return { root: real.replace(/\/bin\/npm-cli\.js$/, "") };
}

function nodeOf(fs: FileSystem, env: Record<string, string>): string | undefined {
  for (const dir of (env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    const p = `${dir}/node`;
    if (isElf(fs, p)) return p;
  }
  return undefined;
}

/** npmrc `key=value` files, the later ones winning, as npm reads builtin < global < user < project. */
function npmrc(fs: FileSystem, files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    for (const line of (readText(fs, f) ?? "").split("\n")) {
      const m = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
    }
  }
  return out;
}

/** npm's built-in default registry, as the image's npm defines it (its config definitions). */
function defaultRegistry(fs: FileSystem, npmRoot: string): string | undefined {
  for (const f of [`${npmRoot}/lib/utils/config/definitions.js`, `${npmRoot}/node_modules/@npmcli/config/lib/definitions/definitions.js`, "/usr/share/nodejs/@npmcli/config/lib/definitions/definitions.js"]) {
    const m = /define\(\s*['"]registry['"]\s*,\s*\{\s*default:\s*['"]([^'"]+)['"]/.exec(readText(fs, f) ?? "");
    if (m) return m[1];
  }
  return undefined;
}

function npmCommand(parsed: Parsed, fetcher: () => Fetcher): SimCommand {
  return async (ctx: SimCommandContext) => {
    const fs = ctx.fs;
    const path = ctx.argv[0].includes("/") ? ctx.argv[0] : undefined;
    const npm = imageNpm(fs, path ?? findOnPath(fs, ctx.env, "npm"))!;
    const env = ctx.env;
    const home = env.HOME || (ctx.owner.uid === 0 ? "/root" : "/");
    const conf = npmrc(fs, [`${npm.root}/npmrc`, "/etc/npmrc", env.NPM_CONFIG_USERCONFIG ?? `${home}/.npmrc`, `${ctx.cwd.replace(/\/$/, "")}/.npmrc`]);
    const envConf = (k: string) => env[`npm_config_${k}`] ?? env[`NPM_CONFIG_${k.toUpperCase()}`];
    const omit = new Set(parsed.omit);
    for (const v of (envConf("omit") ?? conf.omit ?? "").split(/[\s,]+/)) if (v) omit.add(v);
    if (!parsed.omit.size && (env.NODE_ENV === "production" || envConf("production") === "true")) omit.add("dev");
    const pkgVersion = (p: string) => /"version"\s*:\s*"([^"]+)"/.exec(readText(fs, p) ?? "")?.[1] ?? "unknown";
    const nodeVer = nodeVersion(fs);
    // Loaded when npm runs: the resolver and semver's regexes were built for every RUN.
    const { npmInstall } = await import("./install.js");
    const code = await npmInstall(ctx, fetcher(), {
      command: parsed.command, omit, specs: parsed.specs, saveDev: parsed.saveDev, saveExact: parsed.saveExact, ignoreScripts: parsed.ignoreScripts || envConf("ignore_scripts") === "true" || conf["ignore-scripts"] === "true",
      registry: parsed.registry ?? envConf("registry") ?? conf.registry, defaultRegistry: defaultRegistry(fs, npm.root),
      npmVersion: pkgVersion(`${npm.root}/package.json`), npmRoot: npm.root, nodeVersion: nodeVer,
      cacheDir: parsed.cache ?? envConf("cache") ?? conf.cache ?? `${home === "/" ? "" : home}/.npm`,
      runScript: (cwd, script, scriptEnv, foreground) => runShellScript(ctx, fetcher, cwd, script, scriptEnv, foreground),
    });
    if (code === -1) {
      ctx.stderr("npm: tsbuild installs from a package-lock.json that matches package.json, or named packages into a project without a lockfile and node_modules; this project has neither shape\n");
      return 1;
    }
    return code;
  };
}

function findOnPath(fs: FileSystem, env: Record<string, string>, name: string): string | undefined {
  for (const dir of (env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
    const p = `${dir}/${name}`;
    if (fs.exists(p)) return p;
  }
  return undefined;
}

/**
 * `npm ci` / `npm install` for images with a real npm (its npm-cli.js script and a node binary):
 * the real packages from the lockfile. Anything else (a stand-in npm of the built-in images,
 * `npm install PKG`, `npm run`) is left to the next model.
 */
export function npmModel(fetcher: () => Fetcher): CommandModel {
  return {
    program: "npm",
    applies: (fs, path) => imageNpm(fs, path) !== undefined && nodeOf(fs, { PATH: "/usr/local/bin:/usr/bin:/bin" }) !== undefined,
    match: (args) => {
      const parsed = parseNpm(args);
      return parsed ? npmCommand(parsed, fetcher) : undefined;
    },
  };
}

/** node's version for npm's log: the Debian package's, else the headers the official images install. */
function nodeVersion(fs: FileSystem): string {
  const deb = /Package: nodejs\n(?:[^\n]+\n)*?Version: (?:\d+:)?(\d+\.\d+\.\d+)/.exec(readText(fs, "/var/lib/dpkg/status") ?? "")?.[1];
  if (deb) return `v${deb}`;
  const h = readText(fs, "/usr/local/include/node/node_version.h") ?? "";
  const part = (n: string) => new RegExp(`#define NODE_${n}_VERSION (\\d+)`).exec(h)?.[1];
  return part("MAJOR") ? `v${part("MAJOR")}.${part("MINOR")}.${part("PATCH")}` : "unknown";
}
