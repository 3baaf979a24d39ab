import { Fetcher } from "@tsbuild/fetch";
import { apk } from "./apk/command.js";
import { aptCommand } from "./deb/apt.js";
import { dpkg } from "./deb/dpkg.js";
import type { SimCommand } from "./sim-types.js";

export interface BinariesOptions {
  /** Downloads for apt (and curl/wget): the build's content cache, offline flag and network mode. Default: a Fetcher over the default content directory. */
  fetcher?: Fetcher;
}

let defaultFetcher: Fetcher | undefined;
const lazyDefault = () => (defaultFetcher ??= new Fetcher());

/**
 * The simulated package-manager binaries, keyed by their path in the built-in images. The shell
 * runs one when PATH lookup lands on that path (and the file there is not a #! script).
 */
export function simulatedBinariesWith(o: BinariesOptions = {}): Record<string, SimCommand> {
  const fetcher = o.fetcher ? () => o.fetcher! : lazyDefault;
  const aptGet = aptCommand("apt-get", fetcher);
  const apt = aptCommand("apt", fetcher);
  return {
    "/sbin/apk": apk,
    "/usr/bin/apt-get": aptGet,
    "/usr/bin/apt": apt,
    "/usr/bin/dpkg": dpkg,
    "/usr/bin/dpkg-query": dpkg,
    // merged-/usr images reach the same files through /bin → usr/bin
    "/bin/apt-get": aptGet,
    "/bin/apt": apt,
    "/bin/dpkg": dpkg,
    "/bin/dpkg-query": dpkg,
  };
}

export const simulatedBinaries: Record<string, SimCommand> = simulatedBinariesWith();
