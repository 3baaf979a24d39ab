import * as fs from "node:fs";
import * as path from "node:path";
import type { LayerFiles } from "../layer/ingest.js";
import type { AcceptedEntry } from "../layer/policy.js";
import type { TarEntry } from "../tar/disassemble.js";
import { diffOps, type DiffOps } from "./diff-ops.js";
import { DiffWorker } from "./diff-worker.js";

/** Past this many bytes or members, the rest of a layer's files are written by a worker thread. */
const WORKER_AFTER_BYTES = 16 << 20;
const WORKER_AFTER_MEMBERS = 2000;

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
 * A small layer is written inline with synchronous calls (each asynchronous one is a trip
 * through libuv's thread pool). A large one hands the rest of its members to a worker thread
 * once it passes a threshold: creating thousands of files is mostly kernel time, which then
 * overlaps with the main thread's hashing, parsing and tar-split recording of the same layer.
 * `finish()` waits for the worker; `abort()` stops it before the caller removes the directory.
 */
export class DiffWriter implements LayerFiles {
  private readonly ops: DiffOps;
  private worker: DiffWorker | undefined;
  private bytes = 0;
  private members = 0;

  constructor(private readonly root: string) {
    this.ops = diffOps(fs, path, root, ["."]);
  }

  async write(e: TarEntry, accepted: AcceptedEntry, body: AsyncIterable<Buffer>): Promise<void> {
    const rel = accepted.path;
    if (e.typeflag === "g" || rel === ".") return;
    this.members++;
    if (e.typeflag === "0") this.bytes += e.size;
    if (!this.worker && (this.bytes > WORKER_AFTER_BYTES || this.members > WORKER_AFTER_MEMBERS)) {
      this.worker = new DiffWorker(this.root, [...this.ops.dirs]);
    }
    const to = this.worker ?? this.ops;
    switch (e.typeflag) {
      case "5":
        return to.dir(rel, (e.mode & 0o777) | 0o700);
      case "0":
        await to.open(rel, (e.mode & 0o777) | 0o600);
        for await (const chunk of body) await to.data(chunk);
        return to.close();
      case "1":
        return to.link(accepted.linkTarget!, rel);
      case "2":
        return to.symlink(e.linkname, rel);
      default:
        // char/block devices and fifos: an empty placeholder; the header lives in tar-split.
        await to.open(rel, 0o600);
        for await (const chunk of body) await to.data(chunk);
        return to.close();
    }
  }

  /** Every member is on disk (the worker's writes included); throws the worker's error, if any. */
  async finish(): Promise<void> {
    await this.worker?.finish();
  }

  /** Stops writing (the worker is gone when this resolves) and closes any open file. */
  async abort(): Promise<void> {
    this.ops.abandon();
    await this.worker?.abort();
  }
}
