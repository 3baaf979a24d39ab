import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** `--root DIR`, else $TSBUILD_ROOT, else $XDG_DATA_HOME/tsbuild or ~/.local/share/tsbuild. */
export function defaultRoot(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.TSBUILD_ROOT) return resolve(env.TSBUILD_ROOT);
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(data, "tsbuild");
}
