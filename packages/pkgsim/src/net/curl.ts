import { FetchError, type Fetcher } from "@tsbuild/fetch";
import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { remoteName, resolvePath, writeDownload, writeStdout } from "./write.js";

interface CurlArgs {
  urls: Array<{ url: string; output?: string; remote: boolean }>;
  fail: boolean;
  silent: boolean;
  showError: boolean;
  retries: number;
  createDirs: boolean;
  headers: Record<string, string>;
  remoteAll: boolean;
}

/** Options that take a value (long and short), so their values are never mistaken for URLs. */
const WITH_VALUE = new Set(["-o", "--output", "-H", "--header", "-A", "--user-agent", "--retry", "--retry-delay", "--retry-max-time",
  "--connect-timeout", "-m", "--max-time", "--proto", "--proto-redir", "-w", "--write-out", "-u", "--user", "-e", "--referer",
  "-x", "--proxy", "--cacert", "--capath", "-d", "--data", "-X", "--request", "--limit-rate", "-r", "--range", "-b", "--cookie", "-c", "--cookie-jar", "--resolve", "-T", "--upload-file"]);

export function parseCurl(argv: string[]): CurlArgs | string {
  const a: CurlArgs = { urls: [], fail: false, silent: false, showError: false, retries: 0, createDirs: false, headers: {}, remoteAll: false };
  // curl pairs -o/-O with the URLs in order, wherever they stand on the command line
  const urls: string[] = [];
  const outputs: Array<{ file?: string; remote: boolean }> = [];
  const takeUrl = (url: string) => void urls.push(url);
  const value = (opt: string, v: string | undefined) => {
    if (v === undefined) return `curl: option ${opt}: requires parameter`;
    switch (opt) {
      case "-o": case "--output": outputs.push({ file: v, remote: false }); break;
      case "-H": case "--header": { const i = v.indexOf(":"); if (i > 0) a.headers[v.slice(0, i).trim()] = v.slice(i + 1).trim(); break; }
      case "-A": case "--user-agent": a.headers["user-agent"] = v; break;
      case "--retry": a.retries = Number(v) || 0; break;
      case "-d": case "--data": case "-X": case "--request": case "-T": case "--upload-file": return `curl: ${opt} is not supported by tsbuild's curl (downloads only)`;
    }
    return undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") { for (const u of argv.slice(i + 1)) takeUrl(u); break; }
    if (arg.startsWith("--")) {
      const [opt, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
      if (WITH_VALUE.has(opt)) {
        const err = value(opt, inline ?? argv[++i]);
        if (err) return err;
        continue;
      }
      switch (opt) {
        case "--fail": case "--fail-with-body": a.fail = true; break;
        case "--silent": a.silent = true; break;
        case "--show-error": a.showError = true; break;
        case "--remote-name": outputs.push({ remote: true }); break;
        case "--remote-name-all": a.remoteAll = true; break;
        case "--create-dirs": a.createDirs = true; break;
        case "--url": takeUrl(argv[++i] ?? ""); break;
        default: break; // --location, --compressed, --insecure, --tlsv1.2, --progress-bar, --retry-connrefused…: no effect on the bytes
      }
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = `-${arg[j]}`;
        if (WITH_VALUE.has(c)) {
          const rest = arg.slice(j + 1);
          const err = value(c, rest || argv[++i]);
          if (err) return err;
          break;
        }
        if (c === "-f") a.fail = true;
        else if (c === "-s") a.silent = true;
        else if (c === "-S") a.showError = true;
        else if (c === "-O") outputs.push({ remote: true });
        // -L -k -v -# -g -N -q …: following redirects is what the fetcher does anyway
      }
      continue;
    }
    takeUrl(arg);
  }
  a.urls = urls.map((url, i) => ({ url, output: outputs[i]?.file, remote: outputs[i]?.remote || a.remoteAll }));
  if (!a.urls.length) return "curl: no URL specified!";
  return a;
}

/** curl's exit code and message for a failed transfer (see curl(1) EXIT CODES). */
function failure(e: unknown, url: string): { code: number; message: string } {
  if (e instanceof FetchError) {
    switch (e.code) {
      case "bad-url": return { code: 3, message: `URL using bad/illegal format or missing URL (${url})` };
      case "network-disabled": return { code: 6, message: `Could not resolve host: ${hostOf(url)}` };
      case "offline-miss": return { code: 6, message: e.message };
      case "too-large": return { code: 63, message: "Maximum file size exceeded" };
      case "network": return { code: /ECONNREFUSED/.test(e.message) ? 7 : /ENOTFOUND|EAI_AGAIN/.test(e.message) ? 6 : 28, message: e.message };
      default: return { code: 56, message: e.message };
    }
  }
  return { code: 1, message: (e as Error).message };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/**
 * curl over @tsbuild/fetch: real requests (kept in the content cache), the bytes to -o/-O files or
 * to stdout (so `curl … | tar -xz` and `| sha256sum -c` see them). Redirects are always followed.
 */
export function curlCommand(fetcher: () => Fetcher): SimCommand {
  return async (ctx: SimCommandContext) => {
    const a = parseCurl(ctx.argv.slice(1));
    if (typeof a === "string") {
      ctx.stderr(`${a}\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
      return 2;
    }
    const f = fetcher();
    let last = 0;
    for (const u of a.urls) {
      const say = (code: number, msg: string) => {
        if (!a.silent || a.showError) ctx.stderr(`curl: (${code}) ${msg}\n`);
        last = code;
      };
      let res;
      try {
        res = await f.get(u.url, { retries: a.retries, headers: a.headers });
      } catch (e) {
        const { code, message } = failure(e, u.url);
        say(code, message);
        if (e instanceof FetchError && e.code === "offline-miss") ctx.note?.(e.message);
        continue;
      }
      if (a.fail && res.status >= 400) {
        say(22, `The requested URL returned error: ${res.status}`);
        continue;
      }
      const out = u.output ?? (u.remote ? remoteName(u.url) : undefined);
      if (u.remote && !out) {
        say(23, "Remote file name has no length!");
        continue;
      }
      if (out === undefined || out === "-") writeStdout(ctx, res.bytes);
      else {
        try {
          writeDownload(ctx, resolvePath(ctx, out), res.bytes, a.createDirs);
        } catch (e) {
          say(23, `Failure writing output to destination (${(e as Error).message})`);
        }
      }
    }
    return last;
  };
}
