import type { Applet, AppletContext } from "./applet.js";
import { parseGroup, parsePasswd } from "../users/account-files.js";

function lines(ctx: AppletContext, path: string): string[] | undefined {
  try {
    return ctx.fs
      .readFile(path)
      .toString("utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  } catch {
    return undefined;
  }
}

/** /etc/hosts entries: address, canonical name, aliases. */
function hosts(ctx: AppletContext): Array<{ addr: string; names: string[] }> {
  return (lines(ctx, "/etc/hosts") ?? [])
    .map((l) => l.replace(/#.*/, "").trim().split(/\s+/))
    .filter((f) => f.length >= 2)
    .map((f) => ({ addr: f[0], names: f.slice(1) }));
}

const isV6 = (a: string) => a.includes(":");

/**
 * getent DATABASE [KEY]...: the files backend of glibc's (Debian) and musl's (Alpine) getent,
 * for passwd, group, shadow, gshadow and hosts. A key not found is exit status 2, an unknown
 * database 1.
 */
export const getent: Applet = (ctx) => {
  const [db, ...keys] = ctx.args.filter((a) => a !== "-s" && !a.startsWith("--service"));
  if (db === undefined) {
    ctx.stderr("getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.\n");
    return 1;
  }
  const print = (s: string) => ctx.stdout(`${s}\n`);
  switch (db) {
    case "passwd":
    case "group": {
      const text = lines(ctx, `/etc/${db}`) ?? [];
      const entries = db === "passwd" ? parsePasswd(text.join("\n")) : parseGroup(text.join("\n"));
      const format = (e: (typeof entries)[number]) =>
        "uid" in e ? `${e.name}:${e.password}:${e.uid}:${e.gid}:${e.gecos}:${e.home}:${e.shell}` : `${e.name}:${e.password}:${e.gid}:${e.members.join(",")}`;
      if (!keys.length) {
        entries.forEach((e) => print(format(e)));
        return 0;
      }
      let status = 0;
      for (const k of keys) {
        const e = entries.find((x) => x.name === k) ?? (/^\d+$/.test(k) ? entries.find((x) => ("uid" in x ? x.uid : x.gid) === Number(k)) : undefined);
        if (e) print(format(e));
        else status = 2;
      }
      return status;
    }
    case "shadow":
    case "gshadow": {
      const text = lines(ctx, `/etc/${db}`) ?? [];
      if (!keys.length) {
        text.forEach(print);
        return 0;
      }
      let status = 0;
      for (const k of keys) {
        const l = text.find((x) => x.split(":")[0] === k);
        if (l) print(l);
        else status = 2;
      }
      return status;
    }
    case "hosts": {
      const all = hosts(ctx);
      const show = (h: { addr: string; names: string[] }) => print(`${h.addr.padEnd(15)} ${h.names.join(" ")}`);
      if (!keys.length) {
        all.forEach(show);
        return 0;
      }
      let status = 0;
      for (const k of keys) {
        // glibc asks for IPv6 first, then IPv4; an address is looked up as itself.
        const byAddr = all.find((h) => h.addr === k);
        const v6 = all.find((h) => isV6(h.addr) && h.names.includes(k));
        const v4 = all.find((h) => !isV6(h.addr) && h.names.includes(k));
        const hit = byAddr ?? v6 ?? v4;
        if (hit) show(byAddr ? hit : { addr: hit.addr, names: [k === hit.names[0] ? k : hit.names[0], ...hit.names.slice(1)] });
        else status = 2;
      }
      return status;
    }
    default:
      ctx.stderr(`Unknown database: ${db}\nTry \`getent --help' or \`getent --usage' for more information.\n`);
      return 1;
  }
};
