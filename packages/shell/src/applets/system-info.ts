import { arch as hostArch, availableParallelism, release } from "node:os";
import { type Applet, fail } from "./applet.js";

/** Architecture names as uname(2) reports them. */
function machine(): string {
  const map: Record<string, string> = { x64: "x86_64", arm64: "aarch64", arm: "armv7l", ia32: "i686", s390x: "s390x", ppc64: "ppc64le", riscv64: "riscv64" };
  return map[hostArch()] ?? hostArch();
}

function hostnameOf(ctx: Parameters<Applet>[0]): string {
  try {
    return ctx.fs.readFile("/etc/hostname").toString("utf8").split("\n")[0];
  } catch {
    return "localhost";
  }
}

/** uname [-asnrvmpio]: the kernel of the machine the build runs on, as in a container. */
export const uname: Applet = (ctx) => {
  const fields = {
    s: "Linux",
    n: hostnameOf(ctx),
    r: release(),
    v: "#1 SMP",
    m: machine(),
    p: "unknown",
    i: "unknown",
    o: "GNU/Linux",
  };
  const wanted = new Set<string>();
  for (const a of ctx.args) {
    if (!/^-[asnrvmpio]+$/.test(a)) return fail(ctx, "uname", `invalid option '${a}'`);
    for (const c of a.slice(1)) wanted.add(c);
  }
  if (wanted.size === 0) wanted.add("s");
  const order = wanted.has("a") ? ["s", "n", "r", "v", "m", "o"] : ["s", "n", "r", "v", "m", "p", "i", "o"].filter((k) => wanted.has(k));
  ctx.stdout(`${order.map((k) => fields[k as keyof typeof fields]).join(" ")}\n`);
  return 0;
};

export const arch: Applet = (ctx) => {
  ctx.stdout(`${machine()}\n`);
  return 0;
};

export const nproc: Applet = (ctx) => {
  ctx.stdout(`${availableParallelism()}\n`);
  return 0;
};

/** hostname: the container's name; changing it needs CAP_SYS_ADMIN, which a build does not have. */
export const hostname: Applet = (ctx) => {
  const setting = ctx.args.find((a) => !a.startsWith("-"));
  if (setting !== undefined) return fail(ctx, "hostname", "sethostname: Operation not permitted");
  const name = hostnameOf(ctx);
  ctx.stdout(`${ctx.args.includes("-s") ? name.split(".")[0] : name}\n`);
  return 0;
};
