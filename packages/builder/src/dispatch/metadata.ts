import type { InstructionOf } from "@tsbuild/parser";
import type { HealthConfig } from "@tsbuild/image";
import type { BuildRun } from "../builder.js";
import type { MetadataStep } from "../step.js";
import { goDuration, goQuoteRune, goQuoteSlice, goSlice } from "@tsbuild/dockerfmt";
import { shellOf, type StageState } from "../state.js";
import { expand, type DispatchedKind, type ExpandedOf } from "../words.js";
import { envOverBudget } from "../env-budget.js";

type Dispatcher<K extends DispatchedKind> = (run: BuildRun, state: StageState, ins: InstructionOf<K>, words: ExpandedOf[K]) => Promise<MetadataStep>;

function setEnv(state: StageState, key: string, value: string): void {
  const env = state.runConfig.Env ?? [];
  const i = env.findIndex((e) => e === key || e.startsWith(key + "="));
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
  state.runConfig.Env = env;
}

const env: Dispatcher<"ENV"> = async (run, state, ins, pairs) => {
  let text = "ENV";
  for (const { key, value } of pairs) {
    setEnv(state, key, value);
    text += ` ${key}=${value}`;
  }
  const tooBig = envOverBudget(state.runConfig.Env ?? []);
  if (tooBig) throw run.err(tooBig);
  return { metadata: text };
};

const label: Dispatcher<"LABEL"> = async (run, state, ins, pairs) => {
  let text = "LABEL";
  const labels = { ...(state.runConfig.Labels ?? {}) };
  for (const { key, value } of pairs) {
    labels[key] = value;
    text += ` ${key}=${value}`;
  }
  state.runConfig.Labels = labels;
  return { metadata: text };
};

const maintainer: Dispatcher<"MAINTAINER"> = async (run, state, ins, who) => {
  state.maintainer = who;
  return { metadata: "MAINTAINER " + who };
};

const PORT_RE = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i;

const expose: Dispatcher<"EXPOSE"> = async (run, state, ins, words) => {
  const ports = { ...(state.runConfig.ExposedPorts ?? {}) };
  for (const w of words) {
    const spec = w.includes(":") ? w.slice(w.lastIndexOf(":") + 1) : w;
    const m = PORT_RE.exec(spec);
    if (!m) throw run.err(`Invalid containerPort: ${w}`);
    const proto = (m[3] ?? "tcp").toLowerCase();
    const start = Number(m[1]);
    const end = m[2] ? Number(m[2]) : start;
    if (end < start) throw run.err(`Invalid range specified for the Port: ${w}`);
    for (let p = start; p <= end; p++) ports[`${p}/${proto}`] = {};
  }
  state.runConfig.ExposedPorts = ports;
  return { metadata: "EXPOSE " + [...words].sort().join(" ") };
};

const volume: Dispatcher<"VOLUME"> = async (run, state, ins, words) => {
  if (words.length === 0) throw run.err("VOLUME requires at least one argument");
  const vols = { ...(state.runConfig.Volumes ?? {}) };
  for (const v of words) {
    if (!v.trim()) throw run.err("VOLUME specified can not be an empty string");
    vols[v] = {};
  }
  state.runConfig.Volumes = vols;
  return { metadata: "VOLUME " + goSlice(words) };
};

const user: Dispatcher<"USER"> = async (run, state, ins, u) => {
  state.runConfig.User = u;
  return { metadata: "USER " + u };
};

const SIGNALS = new Set(
  "ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ".split(" "),
);

const stopsignal: Dispatcher<"STOPSIGNAL"> = async (run, state, ins, sig) => {
  const name = sig.toUpperCase().replace(/^SIG/, "");
  const rt = /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name);
  if (!(/^\d+$/.test(sig) && Number(sig) > 0) && !SIGNALS.has(name) && !rt) throw run.err(`Invalid signal: ${sig}`);
  state.runConfig.StopSignal = sig;
  return { metadata: "STOPSIGNAL " + sig };
};

const healthcheck: Dispatcher<"HEALTHCHECK"> = async (run, state, ins) => {
  const h = ins.healthcheck;
  if (!h.test) throw run.err("HEALTHCHECK requires a command (CMD ...) or NONE");
  const hc: HealthConfig = { Test: [...h.test] };
  if (!h.none) {
    if (h.intervalNs) hc.Interval = h.intervalNs;
    if (h.timeoutNs) hc.Timeout = h.timeoutNs;
    if (h.startPeriodNs) hc.StartPeriod = h.startPeriodNs;
    if (h.retries) hc.Retries = h.retries;
  }
  state.runConfig.Healthcheck = hc;
  const text = `HEALTHCHECK &{${goQuoteSlice(hc.Test!)} "${goDuration(hc.Interval ?? 0)}" "${goDuration(hc.Timeout ?? 0)}" "${goDuration(hc.StartPeriod ?? 0)}" ${goQuoteRune(hc.Retries ?? 0)}}`;
  return { metadata: text };
};

const shell: Dispatcher<"SHELL"> = async (run, state, ins) => {
  if (!ins.json) throw run.err("SHELL requires the arguments to be in JSON form");
  if (ins.args.length === 0) throw run.err("SHELL requires at least one argument");
  state.runConfig.Shell = [...ins.args];
  return { metadata: "SHELL " + goSlice(ins.args) };
};

/** Whether CMD was set in this stage; ENTRYPOINT clears an inherited CMD otherwise. */
const cmdSetIn = new WeakSet<StageState>();

const cmd: Dispatcher<"CMD"> = async (run, state, ins) => {
  const c = ins.json ? [...ins.args] : [...shellOf(state), ins.args.join(" ")];
  state.runConfig.Cmd = c;
  cmdSetIn.add(state);
  return { metadata: "CMD " + goQuoteSlice(c) };
};

const entrypoint: Dispatcher<"ENTRYPOINT"> = async (run, state, ins) => {
  const line = ins.args.join(" ");
  const e = ins.json ? [...ins.args] : line.trim() === "" ? [""] : [...shellOf(state), line];
  state.runConfig.Entrypoint = ins.json && ins.args.length === 0 ? null : e;
  if (!cmdSetIn.has(state)) state.runConfig.Cmd = null;
  return { metadata: "ENTRYPOINT " + goQuoteSlice(state.runConfig.Entrypoint ?? []) };
};

const onbuild: Dispatcher<"ONBUILD"> = async (run, state, ins) => {
  const trigger = ins.trigger;
  const kind = ins.onbuild?.kind;
  if (kind === "ONBUILD") throw run.err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (kind === "FROM" || kind === "MAINTAINER") throw run.err(`${kind} isn't allowed as an ONBUILD trigger`);
  state.runConfig.OnBuild = [...(state.runConfig.OnBuild ?? []), trigger];
  return { metadata: "ONBUILD " + trigger };
};

const arg: Dispatcher<"ARG"> = async (run, state, ins) => {
  const parts: string[] = [];
  for (const p of ins.pairs) {
    const key = p.key;
    const dflt = p.value === null || p.value === undefined ? undefined : expand(run, state, p.value);
    const given = run.opts.buildArgs?.[key];
    const value = given ?? dflt ?? (run.metaArgs.has(key) ? run.metaArgs.get(key) : undefined);
    state.args.set(key, value);
    (state.bkArgs ??= []).push([key, value ?? ""]);
    run.consumedArgs.add(key);
    parts.push(dflt === undefined ? key : `${key}=${dflt}`);
  }
  return { metadata: "ARG " + parts.join(" ") };
};

export const metadataDispatchers = {
  ENV: env,
  LABEL: label,
  MAINTAINER: maintainer,
  EXPOSE: expose,
  VOLUME: volume,
  USER: user,
  STOPSIGNAL: stopsignal,
  HEALTHCHECK: healthcheck,
  SHELL: shell,
  CMD: cmd,
  ENTRYPOINT: entrypoint,
  ONBUILD: onbuild,
  ARG: arg,
} satisfies { [K in MetadataKind]: Dispatcher<K> };

type MetadataKind = Exclude<DispatchedKind, "RUN" | "COPY" | "ADD" | "WORKDIR">;
