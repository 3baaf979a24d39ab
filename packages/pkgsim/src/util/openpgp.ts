import type * as OpenPGP from "openpgp";

let lib: Promise<typeof OpenPGP> | undefined;

/**
 * openpgp, imported on first use: initialising it builds cipher tables (about 10 ms), and only apt's
 * signature checks and `gpg` need it, not every RUN that loads the package programs.
 */
export function loadOpenpgp(): Promise<typeof OpenPGP> {
  return (lib ??= import("openpgp"));
}
