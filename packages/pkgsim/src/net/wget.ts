import { FetchError, type Fetcher } from "@tsbuild/fetch";
import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { lexists } from "../util/fsutil.js";
import { remoteName, resolvePath, writeDownload, writeStdout } from "./write.js";

interface WgetArgs { urls: string[]; output?: string; quiet: boolean; prefix?: string; tries: number; headers: Record<string, string> }

const WITH_VALUE = new Set(["-O", "--output-document", "-P", "--directory-prefix", "-t", "--tries", "-T", "--timeout", "--header", "-U", "--user-agent", "-o", "--output-file", "-a", "--append-output", "--progress", "-e", "--execute", "-Y", "--proxy", "--ca-certificate"]);

function parseWget(argv: string[]): WgetArgs | string {
  const a: WgetArgs = { urls: [], quiet: false, tries: 20, headers: {} };
  const value = (opt: string, v: string | undefined) => {
    if (v === undefined) return `wget: option requires an argument -- '${opt.replace(/^-+/, "")}'`;
    switch (opt) {
      case "-O": case "--output-document": a.output = v; break;
      case "-P": case "--directory-prefix": a.prefix = v; break;
      case "-t": case "--tries": a.tries = Number(v) || 0; break;
      case "--header": { const i = v.indexOf(":"); if (i > 0) a.headers[v.slice(0, i).trim()] = v.slice(i + 1).trim(); break; }
      case "-U": case "--user-agent": a.headers["user-agent"] = v; break;
    }
    return undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      const [opt, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
      if (WITH_VALUE.has(opt)) {
        const err = value(opt, inline ?? argv[++i]);
        if (err) return err;
      } else if (opt === "--quiet" || opt === "--no-verbose") a.quiet = true;
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = `-${arg[j]}`;
        if (WITH_VALUE.has(c)) {
          const err = value(c, arg.slice(j + 1) || argv[++i]);
          if (err) return err;
          break;
        }
        if (c === "-q") a.quiet = true;
      }
      continue;
    }
    a.urls.push(arg);
  }
  if (!a.urls.length) return "wget: missing URL";
  return a;
}

/**
 * wget (GNU's or busybox's applet) over @tsbuild/fetch: `-O FILE`, `-O -` onto stdout, `-P DIR`,
 * the URL's file name otherwise (GNU's `.1` suffix when it exists), `-q`. Exit 8 on an error
 * answer, 4 on a network failure, as GNU wget; busybox exits 1.
 */
export function wgetCommand(fetcher: () => Fetcher): SimCommand {
  return async (ctx: SimCommandContext) => {
    const a = parseWget(ctx.argv.slice(1));
    const busybox = isBusybox(ctx);
    if (typeof a === "string") {
      ctx.stderr(`${a}\n`);
      return busybox ? 1 : 2;
    }
    const f = fetcher();
    let last = 0;
    for (const url of a.urls) {
      let res;
      try {
        res = await f.get(url, { retries: Math.max(0, Math.min(a.tries, 5) - 1), headers: a.headers });
      } catch (e) {
        const host = (() => { try { return new URL(url).hostname; } catch { return url; } })();
        ctx.stderr(busybox ? `wget: bad address '${host}'\n` : `wget: unable to resolve host address '${host}'\n`);
        if (e instanceof FetchError && e.code === "offline-miss") ctx.note?.(e.message);
        else if (!(e instanceof FetchError) || e.code !== "network-disabled") ctx.stderr(`${(e as Error).message}\n`);
        last = busybox ? 1 : 4;
        continue;
      }
      if (res.status >= 400) {
        ctx.stderr(busybox ? `wget: server returned error: HTTP/1.1 ${res.status}\n` : `${url}:\nERROR ${res.status}.\n`);
        last = busybox ? 1 : 8;
        continue;
      }
      if (a.output === "-") {
        writeStdout(ctx, res.bytes);
        continue;
      }
      let target = a.output ? resolvePath(ctx, a.output) : resolvePath(ctx, `${a.prefix ?? "."}/${remoteName(res.finalUrl) || "index.html"}`);
      if (!a.output && !busybox) for (let n = 1; lexists(ctx.fs, target); n++) target = target.replace(/(\.\d+)?$/, `.${n}`);
      if (!a.quiet) ctx.stderr(`Saving to: '${target}'\n`);
      writeDownload(ctx, target, res.bytes);
    }
    return last;
  };
}

function isBusybox(ctx: SimCommandContext): boolean {
  try {
    return /busybox$/.test(ctx.fs.realpath("/usr/bin/wget")) || /busybox$/.test(ctx.fs.realpath("/bin/wget"));
  } catch {
    return false;
  }
}
