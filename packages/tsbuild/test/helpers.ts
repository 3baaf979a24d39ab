import { join } from "node:path";

const repo = join(import.meta.dirname, "..", "..", "..");

/** The conformance cases' busybox root filesystem (one layer, as `docker import` makes it). */
export const BUSYBOX_TAR = join(repo, "test", "conformance", "base", "busybox-rootfs.tar");
export const ALPINE_SIM_TAR = join(repo, "test", "conformance", "base", "alpine-sim-rootfs.tar");

export const BUSYBOX = "conformance/busybox:1";
export const bases = { [BUSYBOX]: BUSYBOX_TAR };
