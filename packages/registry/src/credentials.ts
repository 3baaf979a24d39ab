import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { authKey } from "./names.js";

/** What a registry is logged in with (docker/cli types.AuthConfig, the fields that matter). */
export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth refresh token (a helper's `<token>` user), traded at the token server. */
  identityToken?: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

export interface ConfigOptions {
  env?: NodeJS.ProcessEnv;
}

/** $DOCKER_CONFIG/config.json, else ~/.docker/config.json (the docker CLI's rule). */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker");
  return join(dir, "config.json");
}

function readConfig(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw e;
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not a JSON object");
    return v as ConfigFile;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

function writeConfig(path: string, cfg: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = path + ".tmp-" + process.pid;
  writeFileSync(tmp, JSON.stringify(cfg, null, "\t") + "\n", { mode: 0o600 });
  renameSync(tmp, path);
}

function helperFor(cfg: ConfigFile, key: string, domain: string): string | undefined {
  return cfg.credHelpers?.[domain] ?? cfg.credHelpers?.[key] ?? cfg.credsStore;
}

/**
 * Runs `docker-credential-NAME ACTION` with input on stdin; undefined when the helper is not installed.
 * child_process is imported here, not with the module: it loads Node's network modules, and every
 * build loads this module while few ever run a helper.
 */
async function runHelper(name: string, action: string, input: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string } | undefined> {
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${name}`, [action], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.resume();
    child.on("error", (e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? resolve(undefined) : reject(e)));
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

/** The credentials config.json holds for a registry domain: a credential helper first, then `auths`. */
export async function credentialsFor(domain: string, opts: ConfigOptions = {}): Promise<Credentials | undefined> {
  const env = opts.env ?? process.env;
  const cfg = readConfig(dockerConfigPath(env));
  const key = authKey(domain);
  const helper = helperFor(cfg, key, domain);
  if (helper) {
    const r = await runHelper(helper, "get", key, env);
    if (r && r.code === 0) {
      const v = JSON.parse(r.out) as { Username?: string; Secret?: string };
      if (v.Username === "<token>") return { identityToken: v.Secret };
      return { username: v.Username, password: v.Secret };
    }
    // An installed helper that knows nothing of the registry means anonymous, as in docker.
    if (r) return undefined;
  }
  const entry = cfg.auths?.[key] ?? cfg.auths?.[domain] ?? cfg.auths?.["https://" + domain];
  if (!entry) return undefined;
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i < 0) throw new Error(`${dockerConfigPath(env)}: the auth of ${key} is not base64 of user:password`);
    return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
  }
  if (entry.username !== undefined) return { username: entry.username, password: entry.password };
  return undefined;
}

/** `docker login`'s write: the helper's `store` when one is configured and installed, else `auths`. */
export async function saveCredentials(domain: string, creds: { username: string; password: string }, opts: ConfigOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const path = dockerConfigPath(env);
  const cfg = readConfig(path);
  const key = authKey(domain);
  const helper = helperFor(cfg, key, domain);
  if (helper) {
    const r = await runHelper(helper, "store", JSON.stringify({ ServerURL: key, Username: creds.username, Secret: creds.password }), env);
    if (r && r.code !== 0) throw new Error(`error storing credentials - err: docker-credential-${helper} store: ${r.out.trim()}`);
    if (r) {
      cfg.auths ??= {};
      cfg.auths[key] = {};
      writeConfig(path, cfg);
      return path;
    }
  }
  cfg.auths ??= {};
  cfg.auths[key] = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString("base64") };
  writeConfig(path, cfg);
  return path;
}

/** `docker logout`: false when nothing was stored for the registry. */
export async function eraseCredentials(domain: string, opts: ConfigOptions = {}): Promise<boolean> {
  const env = opts.env ?? process.env;
  const path = dockerConfigPath(env);
  const cfg = readConfig(path);
  const key = authKey(domain);
  let found = false;
  const helper = helperFor(cfg, key, domain);
  if (helper) {
    const r = await runHelper(helper, "erase", key, env);
    if (r && r.code === 0) found = true;
  }
  if (cfg.auths && key in cfg.auths) {
    delete cfg.auths[key];
    writeConfig(path, cfg);
    found = true;
  }
  return found;
}
