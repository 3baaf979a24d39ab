import { chmodSync, closeSync, constants, fchmodSync, linkSync, mkdirSync, openSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LayerFiles } from "../layer/ingest.js";
import type { AcceptedEntry } from "../layer/policy.js";
import type { TarEntry } from "../tar/disassemble.js";
import { writeSparse } from "./sparse.js";

/**
 * Materialises accepted members into an overlay2 diff/ directory as an unprivileged user can:
 * contents and permission bits (setuid/setgid/sticky dropped, owner read/write kept so the
 * store can rebuild the tar), never owners, xattrs or device nodes. Whiteouts stay the
 * empty `.wh.*` regular files the tar carries; devices and fifos become empty placeholder
 * files. The tar-split record keeps every real header, so nothing is lost.
 *
 * LayerPolicy has already refused any path through a symlink, so joining paths under
 * `root` cannot leave it; files are still opened with O_NOFOLLOW and O_EXCL.
 *
 * The file system calls are synchronous on purpose: a layer is thousands of small files, each
 * asynchronous call is a round trip through libuv's thread pool, and the build has nothing else
 * to do meanwhile.
 */
export class DiffWriter implements LayerFiles {
  private readonly dirs = new Set<string>(["."]);

  constructor(private readonly root: string) {}

  async write(e: TarEntry, accepted: AcceptedEntry, body: AsyncIterable<Buffer>): Promise<void> {
    const rel = accepted.path;
    if (e.typeflag === "g") return;
    const target = join(this.root, rel);
    if (rel === ".") return;
    this.ensureDir(dirname(rel));
    switch (e.typeflag) {
      case "5":
        if (!this.dirs.has(rel)) {
          mkdirSync(target);
          this.dirs.add(rel);
        }
        chmodSync(target, (e.mode & 0o777) | 0o700);
        return;
      case "0":
        return this.writeFile(target, (e.mode & 0o777) | 0o600, body);
      case "1":
        linkSync(join(this.root, accepted.linkTarget!), target);
        return;
      case "2":
        symlinkSync(e.linkname, target);
        return;
      default:
        // char/block devices and fifos: an empty placeholder; the header lives in tar-split.
        return this.writeFile(target, 0o600, body);
    }
  }

  private ensureDir(rel: string): void {
    if (this.dirs.has(rel)) return;
    mkdirSync(join(this.root, rel), { recursive: true, mode: 0o755 });
    for (let d = rel; d !== "." && !this.dirs.has(d); d = dirname(d)) this.dirs.add(d);
  }

  private async writeFile(path: string, mode: number, body: AsyncIterable<Buffer>): Promise<void> {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    try {
      await writeSparse(fd, body);
      // open() applies the umask; the recorded bits are wanted as they are.
      fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
  }
}
