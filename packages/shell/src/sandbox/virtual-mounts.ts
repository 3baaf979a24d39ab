import { readFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";
import { availableParallelism } from "node:os";
import { fsError } from "../util/errors.js";
import { claimMemory } from "./step-guard.js";
import { basename, dirname } from "../util/paths.js";

/**
 * What Docker mounts over the image while a RUN step executes: /dev (a tmpfs with device
 * nodes), /proc, /sys, the bind-mounted /etc/hosts, /etc/hostname and /etc/resolv.conf, and the
 * init layer's /etc/mtab and /.dockerenv. None of it is part of the image, so none of it may
 * reach the layer: the shell's filesystem adapter serves these paths from here and never from
 * (or into) the RootFS.
 */

export type DeviceKind = "null" | "zero" | "full" | "random" | "urandom" | "tty";

export type VirtualNode =
  | { kind: "dir"; mode: number }
  | { kind: "file"; mode: number; data: Buffer; removable: boolean }
  | { kind: "symlink"; target: string }
  | { kind: "device"; mode: number; device: DeviceKind };

/** Trees that hide whatever the image has at the same place. */
const MOUNT_ROOTS = ["/dev", "/proc", "/sys"];
/** What a path under one of them starts with (asked for every component of every path walked). */
const MOUNT_PREFIXES = MOUNT_ROOTS.map((r) => `${r}/`);
/** tmpfs-like places under /dev where a step may create files of its own. */
const SCRATCH_ROOTS = ["/dev/shm", "/dev/fd", "/dev/mqueue"];
/** Files of the image that Docker bind-mounts over. */
const BIND_MOUNTS = ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];

const HOSTS = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::0\tip6-localnet",
  "ff00::0\tip6-mcastprefix",
  "ff02::1\tip6-allnodes",
  "ff02::2\tip6-allrouters",
  "",
].join("\n");

export class VirtualMounts {
  private readonly nodes = new Map<string, VirtualNode>();
  private readonly scratchRoots = [...SCRATCH_ROOTS];

  constructor(opts: { hostname: string }) {
    const cpus = availableParallelism();
    const dir = (p: string, mode = 0o755) => this.nodes.set(p, { kind: "dir", mode });
    const file = (p: string, text: string, mode = 0o644, removable = true) =>
      this.nodes.set(p, { kind: "file", mode, data: Buffer.from(text), removable });
    const dev = (name: string, device: DeviceKind) =>
      this.nodes.set(`/dev/${name}`, { kind: "device", mode: 0o666, device });
    const link = (p: string, target: string) => this.nodes.set(p, { kind: "symlink", target });

    dir("/dev");
    for (const d of ["null", "zero", "full", "random", "urandom", "tty"] as const) dev(d, d);
    link("/dev/stdin", "/proc/self/fd/0");
    link("/dev/stdout", "/proc/self/fd/1");
    link("/dev/stderr", "/proc/self/fd/2");
    link("/dev/ptmx", "pts/ptmx");
    dir("/dev/fd", 0o1777);
    dir("/dev/shm", 0o1777);
    dir("/dev/mqueue", 0o1777);
    dir("/dev/pts");

    dir("/proc", 0o555);
    dir("/proc/self", 0o555);
    dir("/proc/self/fd", 0o500);
    const mounts = [
      "overlay / overlay rw,relatime 0 0",
      "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
      "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0",
      "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0",
      "",
    ].join("\n");
    file("/proc/mounts", mounts, 0o444, false);
    file("/proc/self/mounts", mounts, 0o444, false);
    file("/proc/version", "Linux version 5.15.0 (tsbuild) #1 SMP\n", 0o444, false);
    file("/proc/sys/kernel/hostname", `${opts.hostname}\n`, 0o644, false);
    dir("/proc/sys", 0o555);
    dir("/proc/sys/kernel", 0o555);
    file(
      "/proc/cpuinfo",
      Array.from({ length: cpus }, (_, i) => `processor\t: ${i}\nmodel name\t: tsbuild virtual CPU\n`).join("\n"),
      0o444,
      false,
    );
    file("/proc/meminfo", "MemTotal:       16777216 kB\nMemFree:        16777216 kB\nMemAvailable:   16777216 kB\n", 0o444, false);
    dir("/sys", 0o555);

    file("/etc/hosts", HOSTS, 0o644, false);
    file("/etc/hostname", `${opts.hostname}\n`, 0o644, false);
    file("/etc/resolv.conf", containerResolvConf(), 0o644, false);
    link("/etc/mtab", "/proc/mounts");
    file("/.dockerenv", "", 0o755, false);
  }

  /** True when `path` (normalised, symlink-free up to its parent) is served from here. */
  covers(path: string): boolean {
    if (this.nodes.has(path)) return true;
    for (const prefix of MOUNT_PREFIXES) if (path.startsWith(prefix)) return true;
    return false;
  }

  /** The node at `path`; undefined inside a covered tree means "no such file". */
  get(path: string): VirtualNode | undefined {
    return this.nodes.get(path);
  }

  /** Names a listing of the real directory `dir` must also show (mount points over the image). */
  extraNames(dir: string): string[] {
    const names: string[] = [];
    for (const p of this.nodes.keys()) if (p !== "/" && dirname(p) === dir) names.push(basename(p));
    return names;
  }

  /** Entries of a covered directory. */
  list(dir: string): string[] {
    return this.extraNames(dir).sort();
  }

  isScratch(path: string): boolean {
    return this.scratchRoots.some((r) => path.startsWith(`${r}/`));
  }

  /** True when `path` (normalised) lies in one of the mounted trees (/dev, /proc, /sys) or is one. */
  inMountedTree(path: string): boolean {
    return MOUNT_ROOTS.some((r) => path === r || path.startsWith(`${r}/`));
  }

  /**
   * An empty volume mounted inside /dev or /sys (VOLUME /sys/fs/cgroup): runc makes its mount
   * point in the tmpfs or sysfs, so neither reaches the layer, and the step may write in it.
   */
  mountVolume(path: string): void {
    for (let p = dirname(path); p !== "/" && !this.nodes.has(p); p = dirname(p)) this.nodes.set(p, { kind: "dir", mode: 0o755 });
    if (this.nodes.get(path)?.kind !== "dir") this.nodes.set(path, { kind: "dir", mode: 0o755 });
    this.scratchRoots.push(path);
  }

  /** Write into a mounted file: device semantics, scratch space, or the bind-mounted /etc files. */
  write(path: string, data: Buffer, append: boolean): void {
    const node = this.nodes.get(path);
    if (node?.kind === "device") {
      if (node.device === "full") throw fsError("ENOSPC", "write", path);
      return;
    }
    if (node?.kind === "file") {
      if (!this.isScratch(path) && !BIND_MOUNTS.includes(path)) throw fsError("EACCES", "open", path);
      node.data = append ? Buffer.concat([node.data, data]) : Buffer.from(data);
      return;
    }
    if (node) throw fsError("EISDIR", "open", path);
    if (!this.isScratch(path) || this.nodes.get(dirname(path))?.kind !== "dir") throw fsError("EACCES", "open", path);
    this.nodes.set(path, { kind: "file", mode: 0o644, data: Buffer.from(data), removable: true });
  }

  mkdir(path: string): void {
    if (this.nodes.has(path)) throw fsError("EEXIST", "mkdir", path);
    if (!this.isScratch(path) || this.nodes.get(dirname(path))?.kind !== "dir") throw fsError("EACCES", "mkdir", path);
    this.nodes.set(path, { kind: "dir", mode: 0o755 });
  }

  remove(path: string): void {
    const node = this.nodes.get(path);
    if (!node) throw fsError("ENOENT", "unlink", path);
    if (!this.isScratch(path)) throw fsError(BIND_MOUNTS.includes(path) ? "EBUSY" : "EACCES", "unlink", path);
    for (const p of [...this.nodes.keys()]) if (p === path || p.startsWith(`${path}/`)) this.nodes.delete(p);
  }

  /** Whole content of a mounted file; the endless devices refuse, because nothing could stop the read. */
  readAll(path: string): Buffer {
    const node = this.nodes.get(path);
    if (!node) throw fsError("ENOENT", "open", path);
    if (node.kind === "file") return node.data;
    if (node.kind === "dir") throw fsError("EISDIR", "read", path);
    if (node.kind === "symlink") throw fsError("EINVAL", "read", path);
    if (node.device === "null" || node.device === "tty") return Buffer.alloc(0);
    const err = fsError("EINVAL", "read", path);
    err.message =
      `${path} never ends: reading it whole cannot finish in the sandbox ` +
      `(read a bounded amount, e.g. head -c N ${path} or dd if=${path} bs=N count=1)`;
    throw err;
  }

  /** Up to `max` bytes of a mounted file; devices produce exactly `max` bytes. */
  readBounded(path: string, max: number): Buffer {
    const node = this.nodes.get(path);
    if (node?.kind === "device") {
      if (node.device === "null" || node.device === "tty") return Buffer.alloc(0);
      claimMemory(max);
      const buf = Buffer.alloc(max);
      if (node.device === "random" || node.device === "urandom") randomFillSync(buf);
      return buf;
    }
    return this.readAll(path).subarray(0, max);
  }

  /** True for /dev/zero (or a device node of its kind): endless zero bytes. */
  isZeroDevice(path: string): boolean {
    const node = this.nodes.get(path);
    return node?.kind === "device" && node.device === "zero";
  }

  /** True for a device that yields data forever. */
  isEndless(path: string): boolean {
    const node = this.nodes.get(path);
    return node?.kind === "device" && node.device !== "null" && node.device !== "tty";
  }
}

let resolvConf: string | undefined;

/**
 * What Docker puts in a container's /etc/resolv.conf (libnetwork resolvconf): the host's file
 * without localhost nameservers, or Google's public DNS when none are left. A RUN that copies
 * /etc gets these bytes in its layer, as it would under Docker.
 */
export function containerResolvConf(hostText?: string): string {
  if (hostText === undefined && resolvConf !== undefined) return resolvConf;
  let text = hostText;
  if (text === undefined) {
    try {
      text = readFileSync("/etc/resolv.conf", "utf8");
    } catch {
      text = "";
    }
  }
  const kept = text.split("\n").filter((l) => !/^\s*nameserver\s+(127\.|::1\b)/.test(l));
  let out = kept.join("\n");
  if (!/^\s*nameserver\s/m.test(out)) out = out.replace(/\n*$/, out.trim() ? "\n" : "") + "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
  if (hostText === undefined) resolvConf = out;
  return out;
}

