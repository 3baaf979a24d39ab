import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The conformance cases: the copy in the repository if the lead has made it, else shared/. */
export const CASES_DIR = [
  path.resolve(here, "../../../test/conformance/cases"),
  path.resolve(here, "../../../../shared/conformance/cases"),
].find((d) => fs.existsSync(d))!;

const tmpDirs: string[] = [];

export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "tsbuild-context-"));
  tmpDirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of tmpDirs.splice(0)) {
    fs.chmodSync(d, 0o755);
    fs.rmSync(d, { recursive: true, force: true });
  }
}

export interface CaseJson {
  mutate?: Array<{ path: string; content: string }>;
}

export function readCase(name: string): { json: CaseJson; expected: Record<string, unknown> } {
  const dir = path.join(CASES_DIR, name);
  return {
    json: JSON.parse(fs.readFileSync(path.join(dir, "case.json"), "utf8")),
    expected: JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8")),
  };
}

/**
 * A case's context as it was when Docker built it. The stored copy lost what a git checkout
 * drops or a read-only copy changes: write bits (files were 0644, or 0755 when executable;
 * directories 0755), the empty directory c03 copies, and c30's symlink (stored as a file
 * holding its target).
 */
export function prepareCase(name: string, opts: { mutate?: boolean; sub?: string } = {}): string {
  const dest = path.join(tempDir(), name);
  fs.cpSync(path.join(CASES_DIR, name, opts.sub ?? "context"), dest, { recursive: true, verbatimSymlinks: true });
  normalizeModes(dest);
  if (name.startsWith("c03-")) fs.mkdirSync(path.join(dest, "src/empty"), { recursive: true, mode: 0o755 });
  if (name.startsWith("c30-")) {
    const link = path.join(dest, "link.txt");
    if (!fs.lstatSync(link).isSymbolicLink()) {
      const target = fs.readFileSync(link, "utf8");
      fs.rmSync(link);
      fs.symlinkSync(target, link);
    }
  }
  if (opts.mutate) {
    for (const m of readCase(name).json.mutate ?? []) fs.writeFileSync(path.join(dest, m.path), m.content);
  }
  return dest;
}

function normalizeModes(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) normalizeModes(p);
    else fs.chmodSync(p, st.mode & 0o111 ? 0o755 : 0o644);
  }
}

/** The `file:`/`dir:`/`multi:` hashes of a history, in order. */
export function historyHashes(history: unknown): string[] {
  const out: string[] = [];
  for (const h of (history as Array<{ created_by?: string }> | undefined) ?? []) {
    const m = /(file|dir|multi):[0-9a-f]{64}/.exec(h.created_by ?? "");
    if (m) out.push(m[0]);
  }
  return out;
}

export type TreeSpec = Record<string, string | { link: string } | { dir: true; mode?: number } | { file: string; mode: number }>;

/** Writes files, directories and symlinks with exact modes (0644 files, 0755 directories unless given). */
export function writeTree(root: string, spec: TreeSpec): string {
  fs.mkdirSync(root, { recursive: true });
  fs.chmodSync(root, 0o755);
  for (const [rel, what] of Object.entries(spec)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof what === "string") {
      fs.writeFileSync(p, what);
      fs.chmodSync(p, 0o644);
    } else if ("link" in what) {
      fs.symlinkSync(what.link, p);
    } else if ("dir" in what) {
      fs.mkdirSync(p, { recursive: true });
      fs.chmodSync(p, what.mode ?? 0o755);
    } else {
      fs.writeFileSync(p, what.file);
      fs.chmodSync(p, what.mode);
    }
  }
  // Directories made on the way get 0755 whatever the umask, as on the machine Docker ran on.
  const fixDirs = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (!fs.lstatSync(path.join(root, r)).isDirectory()) continue;
      const given = spec[r];
      fs.chmodSync(path.join(root, r), typeof given === "object" && "dir" in given ? given.mode ?? 0o755 : 0o755);
      fixDirs(r);
    }
  };
  fixDirs("");
  return root;
}

export interface RawEntry {
  name: string;
  data?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  type?: string;
  link?: string;
  uname?: string;
  mtime?: number;
}

/** A ustar archive with header fields written exactly as given (no masking, no normalising). */
export function rawTar(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? "");
    const h = Buffer.alloc(512);
    const str = (v: string, off: number, len: number) => Buffer.from(v).copy(h, off, 0, len);
    const oct = (v: number, off: number, len: number) => str(v.toString(8).padStart(len - 1, "0") + "\0", off, len);
    str(e.name, 0, 100);
    oct(e.mode ?? 0o644, 100, 8);
    oct(e.uid ?? 0, 108, 8);
    oct(e.gid ?? 0, 116, 8);
    oct(data.length, 124, 12);
    oct(e.mtime ?? 1700000000, 136, 12);
    h.fill(0x20, 148, 156);
    str(e.type ?? "0", 156, 1);
    str(e.link ?? "", 157, 100);
    str("ustar\0", 257, 6);
    str("00", 263, 2);
    str(e.uname ?? "", 265, 32);
    oct(0, 329, 8);
    oct(0, 337, 8);
    let sum = 0;
    for (const b of h) sum += b;
    str(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A tar of a directory as the CLI would write it, without .dockerignore filtering. */
export function tarOfDirectory(root: string): Buffer {
  const entries: RawEntry[] = [];
  const walk = (rel: string) => {
    const names = fs.readdirSync(path.join(root, rel)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const p = path.join(root, r);
      const st = fs.lstatSync(p);
      const mode = st.mode & 0o7777;
      const mtime = Math.floor(st.mtimeMs / 1000);
      if (st.isDirectory()) {
        entries.push({ name: r + "/", type: "5", mode, mtime });
        walk(r);
      } else if (st.isSymbolicLink()) {
        entries.push({ name: r, type: "2", link: fs.readlinkSync(p), mode, mtime });
      } else {
        entries.push({ name: r, data: fs.readFileSync(p), mode, mtime });
      }
    }
  };
  walk("");
  return rawTar(entries);
}
