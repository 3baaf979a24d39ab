// A small model of how Docker 20.10's classic builder turns parsed metadata instructions
// into an image config (builder/dockerfile/dispatchers.go), for FROM scratch builds with
// no RUN/COPY/ADD. It exists to check the parser's output (args, pairs, flags, json,
// triggers) against configs recorded from a real dockerd: if the parser got something
// wrong, the modelled config differs from Docker's.

import { ShellLex, type Dockerfile, type Instruction } from "@tsbuild/parser";
import * as path from "node:path";

export interface ModelConfig {
  Env: string[];
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
  Healthcheck?: Record<string, unknown>;
  OnBuild?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  Shell?: string[];
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const DEFAULT_SHELL = ["/bin/sh", "-c"];

type Args = Map<string, string | undefined>;

function envKeys(env: string[]): Set<string> {
  return new Set(env.map((e) => e.split("=")[0]));
}

/** BuildArgs.getBuildArg: a declared ARG without default falls back to the global ARG. */
function argValue(name: string, declared: Args, meta: Args): string | undefined {
  const v = declared.get(name);
  return v !== undefined ? v : meta.get(name);
}

function shellDependent(ins: Instruction, config: ModelConfig, emptyAsNil: boolean): string[] | undefined {
  const cmdLine = ins.json ? ins.args : ins.args.length === 0 ? [] : [ins.args.join(" ")];
  if (emptyAsNil && cmdLine.length === 0) return undefined;
  return ins.json ? cmdLine : [...(config.Shell ?? DEFAULT_SHELL), ...cmdLine];
}

export function modelConfig(df: Dockerfile): ModelConfig {
  const lex = new ShellLex(df.escapeChar);
  const meta: Args = new Map();
  for (const ins of df.metaArgs) {
    const env = [...meta].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
    for (const p of ins.pairs!) {
      meta.set(lex.processWord(p.key, env), p.value === null ? undefined : lex.processWord(p.value, env));
    }
  }
  const metaEnv = [...meta].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  const byName = new Map<string, ModelConfig>();
  let config: ModelConfig = { Env: [] };

  for (const stage of df.stages) {
    const base = lex.processWord(stage.baseName, metaEnv);
    const parent = byName.get(base.toLowerCase());
    if (base === "scratch") config = { Env: [DEFAULT_PATH] };
    else if (parent) config = structuredClone(parent);
    else throw new Error(`the model only builds FROM scratch or an earlier stage, not ${base}`);
    const declared: Args = new Map();

    for (const ins of stage.instructions) {
      const allowed = [...declared.keys()]
        .map((k) => [k, argValue(k, declared, meta)] as const)
        .filter(([k, v]) => v !== undefined && !envKeys(config.Env).has(k))
        .map(([k, v]) => `${k}=${v}`);
      const envs = [...config.Env, ...allowed];
      const word = (w: string) => lex.processWord(w, envs);
      switch (ins.kind) {
        case "ENV": {
          const pairs = ins.pairs!.map((p) => [word(p.key), word(p.value!)] as const);
          for (const [k, v] of pairs) {
            const i = config.Env.findIndex((e) => e.split("=")[0] === k);
            if (i >= 0) config.Env[i] = `${k}=${v}`;
            else config.Env.push(`${k}=${v}`);
          }
          break;
        }
        case "LABEL": {
          const pairs = ins.pairs!.map((p) => [word(p.key), word(p.value!)] as const);
          config.Labels = { ...config.Labels, ...Object.fromEntries(pairs) };
          break;
        }
        case "ARG":
          for (const p of ins.pairs!) declared.set(word(p.key), p.value === null ? undefined : word(p.value));
          break;
        case "EXPOSE":
          for (const a of ins.args) {
            for (const port of lex.processWords(a, envs)) {
              config.ExposedPorts = { ...config.ExposedPorts, [port.includes("/") ? port : `${port}/tcp`]: {} };
            }
          }
          break;
        case "VOLUME":
          for (const a of ins.args) config.Volumes = { ...config.Volumes, [word(a)]: {} };
          break;
        case "WORKDIR": {
          const dir = word(ins.args[0]);
          config.WorkingDir = path.posix.join("/", dir.startsWith("/") ? "" : (config.WorkingDir ?? ""), dir);
          break;
        }
        case "USER":
          config.User = word(ins.args[0]);
          break;
        case "STOPSIGNAL":
          config.StopSignal = word(ins.args[0]);
          break;
        case "ONBUILD":
          config.OnBuild = [...(config.OnBuild ?? []), ins.trigger!];
          break;
        case "HEALTHCHECK": {
          const h = ins.healthcheck!;
          const check: Record<string, unknown> = { Test: h.test };
          if (h.intervalNs) check.Interval = h.intervalNs;
          if (h.timeoutNs) check.Timeout = h.timeoutNs;
          if (h.startPeriodNs) check.StartPeriod = h.startPeriodNs;
          if (h.retries) check.Retries = h.retries;
          config.Healthcheck = check;
          break;
        }
        case "CMD":
          config.Cmd = shellDependent(ins, config, false);
          break;
        case "ENTRYPOINT":
          config.Entrypoint = shellDependent(ins, config, true);
          break;
        case "SHELL":
          config.Shell = ins.args;
          break;
        case "MAINTAINER":
          break;
        default:
          throw new Error(`the model does not run ${ins.kind}`);
      }
    }
    if (stage.name) byName.set(stage.name, config);
  }
  // Docker omits empty lists from the config JSON.
  if (config.Cmd?.length === 0) delete config.Cmd;
  return config;
}
