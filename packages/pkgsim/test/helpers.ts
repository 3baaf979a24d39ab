import { RootFS } from "@tsbuild/fs-snapshot";
import { builtinImage } from "@tsbuild/baseimages";
import { simulatedBinaries } from "@tsbuild/pkgsim";

const layers = new Map<string, Buffer>();

/** A sandbox holding one built-in image. */
export async function imageFs(ref: string): Promise<RootFS> {
  let tar = layers.get(ref);
  if (!tar) {
    const img = builtinImage(ref);
    if (!img) throw new Error(`no built-in image ${ref}`);
    tar = img.layerTar();
    layers.set(ref, tar);
  }
  const fs = new RootFS({ defaultMtime: new Date("2025-01-01T00:00:00Z") });
  await fs.applyLayer(tar);
  return fs;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a simulated binary the way the shell would: argv[0] is the command name. */
export async function run(fs: RootFS, path: string, args: string[], user = { uid: 0, gid: 0 }): Promise<Run> {
  const cmd = simulatedBinaries[path];
  if (!cmd) throw new Error(`no simulated binary at ${path}`);
  let stdout = "";
  let stderr = "";
  const code = await cmd({
    fs, argv: [path.split("/").pop()!, ...args], env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
    cwd: "/", owner: user, stdin: Buffer.alloc(0),
    stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; },
  });
  return { code, stdout, stderr };
}

/** Every path with its type, mode, owner, size and link target: a picture of the tree to compare. */
export function snapshot(fs: RootFS, skip: (p: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of fs.readdir(dir)) {
      const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
      if (skip(p)) continue;
      const st = fs.lstat(p);
      const link = st.type === "symlink" ? fs.readlink(p) : "";
      out.set(p, `${st.type} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.type === "dir" ? 0 : st.size} ${link}`);
      if (st.type === "dir") walk(p);
    }
  };
  walk("/");
  return out;
}

export function diffSnapshots(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push(`${k}: ${v} -> ${b.get(k) ?? "(gone)"}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`${k}: (new) ${b.get(k)}`);
  return out;
}

/** Sum of regular-file sizes under a directory. */
export function bytesUnder(fs: RootFS, dir: string): number {
  let total = 0;
  for (const [p, v] of snapshot(fs)) if (p.startsWith(dir + "/") && v.startsWith("file ")) total += Number(v.split(" ")[3]);
  return total;
}
