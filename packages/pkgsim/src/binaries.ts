import { Fetcher } from "@tsbuild/fetch";
import { apkCommand } from "./apk/command.js";
import { aptCommand } from "./deb/apt.js";
import { dpkg } from "./deb/dpkg.js";
import { updateAlternatives } from "./deb/alternatives.js";
import { curlCommand } from "./net/curl.js";
import { wgetCommand } from "./net/wget.js";
import { gpgCommand } from "./net/gpg.js";
import type { SimCommand } from "./sim-types.js";

export interface BinariesOptions {
  /** Downloads for apt (and curl/wget): the build's content cache, offline flag and network mode. Default: a Fetcher over the default content directory. */
  fetcher?: Fetcher;
}

let defaultFetcher: Fetcher | undefined;
const lazyDefault = () => (defaultFetcher ??= new Fetcher());

/**
 * The simulated package managers and downloaders, keyed by their path in the image. The shell
 * runs one when PATH lookup lands on that path (and the file there is not a #! script).
 */
export function simulatedBinariesWith(o: BinariesOptions = {}): Record<string, SimCommand> {
  const fetcher = o.fetcher ? () => o.fetcher! : lazyDefault;
  const apk = apkCommand(fetcher);
  const aptGet = aptCommand("apt-get", fetcher);
  const apt = aptCommand("apt", fetcher);
  // Downloaders only with a Fetcher the caller chose (the builder always passes its own): without
  // one, curl and wget stay what the image and the command models make of them.
  const downloads: Record<string, SimCommand> = {};
  if (o.fetcher) {
    const curl = curlCommand(fetcher);
    const wget = wgetCommand(fetcher);
    // busybox's wget applet too: /usr/bin/wget → /bin/busybox
    const gpg = gpgCommand(fetcher);
    Object.assign(downloads, { "/usr/bin/curl": curl, "/bin/curl": curl, "/usr/bin/wget": wget, "/bin/wget": wget, "/usr/bin/gpg": gpg, "/bin/gpg": gpg });
  }
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
    "/usr/bin/update-alternatives": updateAlternatives,
    "/bin/update-alternatives": updateAlternatives,
    ...downloads,
  };
}

export const simulatedBinaries: Record<string, SimCommand> = simulatedBinariesWith();
