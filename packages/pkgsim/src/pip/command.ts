import type { Fetcher } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { CommandModel } from "@tsbuild/shell";
import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { readText } from "../util/fsutil.js";
import { isElf, resolveReal } from "../lang/common.js";
import type { PythonEnv } from "./install.js";

interface Parsed {
  reqs: string[]; reqFiles: string[]; indexUrl?: string; extra: string[]; noCache: boolean; breakSystem: boolean;
  compile: boolean; noDeps: boolean; upgrade: boolean; quiet: number; rootAction?: string;
}

const NO_EFFECT = new Set(["--disable-pip-version-check", "--no-warn-script-location", "--no-input", "--progress-bar", "--prefer-binary",
  "--no-build-isolation", "--use-pep517", "--timeout", "--retries", "--trusted-host", "-v", "--verbose", "--no-color", "--only-binary", "--cert", "--default-timeout"]);
const WITH_VALUE = new Set(["--progress-bar", "--timeout", "--retries", "--trusted-host", "--only-binary", "--cert", "--default-timeout", "--root-user-action"]);

/** `pip install` arguments tsbuild covers: requirements by name (and -r files) from a simple index. */
export function parsePip(args: string[]): Parsed | undefined {
  if (args[0] !== "install") return undefined;
  const p: Parsed = { reqs: [], reqFiles: [], extra: [], noCache: false, breakSystem: false, compile: true, noDeps: false, upgrade: false, quiet: 0 };
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    const [opt, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? args[++i];
    if (!a.startsWith("-")) {
      if (/[/\\]|^\.|:\/\/|\.whl$|\.tar\.gz$|\.zip$/.test(a)) return undefined; // paths, URLs, files: not covered
      p.reqs.push(a);
      continue;
    }
    if (/^-q+$/.test(a)) { p.quiet += a.length - 1; continue; }
    switch (opt) {
      case "-r": case "--requirement": p.reqFiles.push(value() ?? ""); break;
      case "-i": case "--index-url": p.indexUrl = value(); break;
      case "--extra-index-url": p.extra.push(value() ?? ""); break;
      case "--no-cache-dir": p.noCache = true; break;
      case "--break-system-packages": p.breakSystem = true; break;
      case "--no-compile": p.compile = false; break;
      case "--compile": p.compile = true; break;
      case "--no-deps": p.noDeps = true; break;
      case "-U": case "--upgrade": p.upgrade = true; break;
      case "--quiet": p.quiet++; break;
      case "--root-user-action": p.rootAction = value(); break;
      default:
        if (!NO_EFFECT.has(opt)) return undefined; // --user, --target, --prefix, -e, --require-hashes…: not covered
        if (WITH_VALUE.has(opt) && inline === undefined) i++;
    }
  }
  return p.reqs.length || p.reqFiles.length ? p : undefined;
}

/** The CPython an interpreter path is, and sysconfig's install scheme for it as its pip sees it. */
export function pythonEnv(fs: FileSystem, interpreter: string): PythonEnv | undefined {
  const real = resolveReal(fs, interpreter);
  if (!real || !isElf(fs, real)) return undefined;
  const m = /\/python3\.(\d+)$/.exec(real);
  if (!m) return undefined;
  const minor = Number(m[1]);
  const prefix = real.replace(/\/bin\/python3\.\d+$/, "");
  const debian = prefix === "/usr" && fs.exists("/usr/lib/python3/dist-packages");
  // Debian patches sysconfig (posix_local): pip installs under /usr/local, dist-packages
  const purelib = debian ? `/usr/local/lib/python3.${minor}/dist-packages` : `${prefix}/lib/python3.${minor}/site-packages`;
  const sitePaths = debian ? [purelib, "/usr/lib/python3/dist-packages", `/usr/lib/python3.${minor}/dist-packages`] : [purelib];
  return { executable: interpreter, minor, prefix, purelib, scripts: debian ? "/usr/local/bin" : `${prefix}/bin`, sitePaths };
}

function pipInstalled(fs: FileSystem, env: PythonEnv): boolean {
  return env.sitePaths.some((d) => fs.exists(`${d}/pip/__init__.py`));
}

/** pip.conf values ([global] and [install]), later files winning: system, XDG, user. */
function pipConf(fs: FileSystem, home: string, envFile?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ["/etc/xdg/pip/pip.conf", "/etc/pip.conf", `${home}/.pip/pip.conf`, `${home}/.config/pip/pip.conf`, ...(envFile ? [envFile] : [])]) {
    let section = "";
    for (const line of (readText(fs, f) ?? "").split("\n")) {
      const s = /^\s*\[(.+)\]\s*$/.exec(line);
      if (s) { section = s[1]; continue; }
      const kv = /^\s*([\w-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
      if (kv && (section === "global" || section === "install")) out[kv[1]] = kv[2];
    }
  }
  return out;
}

function parseRequirement(raw: string): { name: string; spec: string; raw: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*((?:(?:===|==|!=|~=|>=|<=|>|<)\s*[^,;\s]+\s*,?\s*)*)\s*$/.exec(raw.trim());
  return m ? { name: m[1], spec: m[2].replace(/\s+/g, ""), raw: raw.trim() } : undefined;
}

function pipCommand(parsed: Parsed, fetcher: () => Fetcher, interpreterOf: (ctx: SimCommandContext) => string | undefined): SimCommand {
  return async (ctx) => {
    const fs = ctx.fs;
    const interp = interpreterOf(ctx);
    const env = interp ? pythonEnv(fs, interp) : undefined;
    if (!env) {
      ctx.stderr("pip: tsbuild could not find the Python this pip belongs to\n");
      return 1;
    }
    const home = ctx.env.HOME || "/root";
    const conf = pipConf(fs, home, ctx.env.PIP_CONFIG_FILE);
    const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);
    const managed = `${env.prefix}/lib/python3.${env.minor}/EXTERNALLY-MANAGED`;
    const breakSystem = parsed.breakSystem || truthy(ctx.env.PIP_BREAK_SYSTEM_PACKAGES) || truthy(conf["break-system-packages"]);
    if (fs.exists(managed) && !breakSystem) {
      ctx.stderr(externallyManaged(readText(fs, managed) ?? ""));
      return 1;
    }
    const reqs = [];
    let indexUrl = parsed.indexUrl ?? ctx.env.PIP_INDEX_URL ?? conf["index-url"] ?? "https://pypi.org/simple";
    const extra = [...parsed.extra, ...(ctx.env.PIP_EXTRA_INDEX_URL ?? conf["extra-index-url"] ?? "").split(/\s+/).filter(Boolean)];
    const texts = parsed.reqs.map((r) => ({ line: r, file: "" }));
    for (const f of parsed.reqFiles) {
      const path = f.startsWith("/") ? f : `${ctx.cwd.replace(/\/$/, "")}/${f}`;
      const text = readText(fs, path);
      if (text === undefined) {
        ctx.stderr(`ERROR: Could not open requirements file: [Errno 2] No such file or directory: '${f}'\n`);
        return 1;
      }
      for (const line of text.split(/\r?\n/)) texts.push({ line: line.replace(/(^|\s)#.*$/, "").trim(), file: f });
    }
    for (const { line, file } of texts) {
      if (!line) continue;
      const opt = /^(-i|--index-url|--extra-index-url)[=\s]+(\S+)$/.exec(line);
      if (opt) { if (opt[1] === "--extra-index-url") extra.push(opt[2]); else indexUrl = opt[2]; continue; }
      const r = parseRequirement(line.split(";")[0]);
      if (!r) {
        ctx.stderr(`ERROR: tsbuild's pip installs requirements by name and version from an index; it cannot install "${line}"${file ? ` (${file})` : ""}\n`);
        return 1;
      }
      reqs.push(r);
    }
    // Loaded when pip runs, as npm's install is.
    const { pipInstall } = await import("./install.js");
    return pipInstall(ctx, fetcher(), env, {
      requirements: reqs, indexUrl, extraIndexUrls: extra, compile: parsed.compile && !truthy(ctx.env.PIP_NO_COMPILE), noDeps: parsed.noDeps,
      upgrade: parsed.upgrade, quiet: parsed.quiet, noCache: parsed.noCache || truthy(ctx.env.PIP_NO_CACHE_DIR) || truthy(conf["no-cache-dir"]), rootWarning: ctx.owner.uid === 0 && (parsed.rootAction ?? ctx.env.PIP_ROOT_USER_ACTION) !== "ignore",
    });
  };
}

/** pip's PEP 668 refusal, with the image's own EXTERNALLY-MANAGED text. */
function externallyManaged(file: string): string {
  const m = /^\s*Error\s*=\s*([\s\S]*?)(?=^\S|$(?![\s\S]))/m.exec(file.replace(/^\[externally-managed\]\s*$/m, ""));
  const lines = (m?.[1] ?? "").replace(/\s+$/, "").split("\n").map((l) => l.replace(/^ /, ""));
  const body = lines.map((l, i) => (i === 0 ? `╰─> ${l}` : `    ${l}`)).join("\n");
  return `error: externally-managed-environment\n\n× This environment is externally managed\n${body}\n\nnote: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.\nhint: See PEP 668 for the detailed specification.\n`;
}

/** A pip script's interpreter: its #! line (a real pip script of the image, `from pip._internal…`). */
function pipScriptInterpreter(fs: FileSystem, path: string | undefined): string | undefined {
  if (!path) return undefined;
  const real = resolveReal(fs, path);
  if (!real) return undefined;
  const head = fs.readFile(real).subarray(0, 512).toString("utf8");
  if (!head.startsWith("#!") || !/\bpip\._internal\b|\bfrom pip\b/.test(head)) return undefined;
  return /^#!\s*(\S+)/.exec(head)?.[1];
}

function findOnPath(fs: FileSystem, env: Record<string, string>, name: string): string | undefined {
  for (const dir of (env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
    if (fs.exists(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * `pip install`, `pip3 install`, `python3 -m pip install` for images with a real CPython and its
 * pip: wheels from the simple index, installed as pip 23 installs them.
 */
export function pipModels(fetcher: () => Fetcher): CommandModel[] {
  const pipNames = ["pip", "pip3", ...Array.from({ length: 8 }, (_, i) => `pip3.${i + 7}`)];
  const pyNames = ["python", "python3", ...Array.from({ length: 8 }, (_, i) => `python3.${i + 7}`)];
  const pips: CommandModel[] = pipNames.map((program) => ({
    program,
    applies: (fs, path) => {
      const interp = pipScriptInterpreter(fs, path);
      const env = interp ? pythonEnv(fs, interp) : undefined;
      return env !== undefined && pipInstalled(fs, env);
    },
    match: (args) => {
      const p = parsePip(args);
      return p ? pipCommand(p, fetcher, (ctx) => pipScriptInterpreter(ctx.fs, ctx.argv[0].includes("/") ? ctx.argv[0] : findOnPath(ctx.fs, ctx.env, ctx.argv[0]))) : undefined;
    },
  }));
  const pys: CommandModel[] = pyNames.map((program) => ({
    program,
    applies: (fs, path) => {
      const env = path ? pythonEnv(fs, path) : undefined;
      return env !== undefined && pipInstalled(fs, env);
    },
    match: (args) => {
      if (args[0] !== "-m" || args[1] !== "pip") return undefined;
      const p = parsePip(args.slice(2));
      return p ? pipCommand(p, fetcher, (ctx) => (ctx.argv[0].includes("/") ? ctx.argv[0] : findOnPath(ctx.fs, ctx.env, ctx.argv[0]))) : undefined;
    },
  }));
  return [...pips, ...pys];
}
