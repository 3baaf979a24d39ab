import { apk } from "./apk/command.js";
import { apt, aptGet } from "./deb/apt.js";
import { dpkg } from "./deb/dpkg.js";
import type { SimCommand } from "./sim-types.js";

/**
 * The simulated package-manager binaries, keyed by their path in the built-in images. The shell
 * runs one when PATH lookup lands on that path (and the file there is not a #! script).
 */
export const simulatedBinaries: Record<string, SimCommand> = {
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
