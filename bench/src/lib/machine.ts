import { cpus, freemem, totalmem } from "node:os";
import { Docker } from "./docker.js";
import { cliEnv, run } from "./proc.js";
import { median, ms } from "./stats.js";

/** What the figures came from: the machine, Node, Docker, and Node's own startup cost here. */
export async function describeMachine(docker: Docker | string): Promise<Array<[string, string]>> {
  const startup = async (env: NodeJS.ProcessEnv) => {
    const t: number[] = [];
    for (let i = 0; i < 11; i++) t.push((await run(process.execPath, ["-e", ""], { env })).ms);
    return median(t);
  };
  const rows: Array<[string, string]> = [
    ["CPU", `${cpus()[0]?.model ?? "unknown"} (nproc ${cpus().length})`],
    ["memory", `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`],
    ["load average at start", (await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")],
    ["node", process.version],
    ["docker", docker instanceof Docker ? `${docker.version} (classic builder DOCKER_BUILDKIT=0, and BuildKit DOCKER_BUILDKIT=1 --network none)` : `none: ${docker}`],
    ["node -e '' (bare startup)", ms(await startup(cliEnv()))],
  ];
  if (process.env.NODE_EXTRA_CA_CERTS) {
    rows.push(["node -e '' with NODE_EXTRA_CA_CERTS", `${ms(await startup(process.env))} (set here; unset for the timed tsbuild processes)`]);
  }
  return rows;
}
