import type { Instruction } from "@tsbuild/parser";
import type { HealthConfig } from "@tsbuild/image";
import type { BuildRun } from "../builder.js";
import { commitMetadata } from "../commit.js";
import { goDuration, goQuoteRune, goQuoteSlice, goSlice } from "../gofmt.js";
import { shellOf, type StageState } from "../state.js";
import { argWords, expand } from "../words.js";
import { envOverBudget } from "../env-budget.js";

type Dispatcher = (run: BuildRun, state: StageState, ins: Instruction) => Promise<void>;

function setEnv(state: StageState, key: string, value: string): void {
  const env = state.runConfig.Env ?? [];
  const i = env.findIndex((e) => e === key || e.startsWith(key + "="));
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
  state.runConfig.Env = env;
}

const env: Dispatcher = async (run, state, ins) => {
  const pairs = (ins.pairs ?? []).map((p) => ({ key: expand(run, state, p.key), value: expand(run, state, p.value ?? "") }));
  let text = "ENV";
  for (const { key, value } of pairs) {
    setEnv(state, key, value);
    text += ` ${key}=${value}`;
  }
  const tooBig = envOverBudget(state.runConfig.Env ?? []);
  if (tooBig) throw run.err(tooBig);
  await commitMetadata(run, state, text, shellOf(state));
};

const label: Dispatcher = async (run, state, ins) => {
  let text = "LABEL";
  const labels = { ...(state.runConfig.Labels ?? {}) };
  for (const p of ins.pairs ?? []) {
    const key = expand(run, state, p.key);
    const value = expand(run, state, p.value ?? "");
    labels[key] = value;
    text += ` ${key}=${value}`;
  }
  state.runConfig.Labels = labels;
  await commitMetadata(run, state, text, shellOf(state));
};

const maintainer: Dispatcher = async (run, state, ins) => {
  const who = expand(run, state, ins.args.join(" "));
  state.maintainer = who;
  await commitMetadata(run, state, "MAINTAINER " + who, shellOf(state));
};

const PORT_RE = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i;

const expose: Dispatcher = async (run, state, ins) => {
  const words = argWords(run, state, ins);
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
  await commitMetadata(run, state, "EXPOSE " + [...words].sort().join(" "), shellOf(state));
};

const volume: Dispatcher = async (run, state, ins) => {
  const words = argWords(run, state, ins);
  if (words.length === 0) throw run.err("VOLUME requires at least one argument");
  const vols = { ...(state.runConfig.Volumes ?? {}) };
  for (const v of words) {
    if (!v.trim()) throw run.err("VOLUME specified can not be an empty string");
    vols[v] = {};
  }
  state.runConfig.Volumes = vols;
  await commitMetadata(run, state, "VOLUME " + goSlice(words), shellOf(state));
};

const user: Dispatcher = async (run, state, ins) => {
  const u = expand(run, state, ins.args.join(" "));
  state.runConfig.User = u;
  await commitMetadata(run, state, "USER " + u, shellOf(state));
};

const SIGNALS = new Set(
  "ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ".split(" "),
);

const stopsignal: Dispatcher = async (run, state, ins) => {
  const sig = expand(run, state, ins.args.join(" "));
  const name = sig.toUpperCase().replace(/^SIG/, "");
  const rt = /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name);
  if (!(/^\d+$/.test(sig) && Number(sig) > 0) && !SIGNALS.has(name) && !rt) throw run.err(`Invalid signal: ${sig}`);
  state.runConfig.StopSignal = sig;
  await commitMetadata(run, state, "STOPSIGNAL " + sig, shellOf(state));
};

const healthcheck: Dispatcher = async (run, state, ins) => {
  const h = ins.healthcheck;
  if (!h || !h.test) throw run.err("HEALTHCHECK requires a command (CMD ...) or NONE");
  const hc: HealthConfig = { Test: [...h.test] };
  if (!h.none) {
    if (h.intervalNs) hc.Interval = h.intervalNs;
    if (h.timeoutNs) hc.Timeout = h.timeoutNs;
    if (h.startPeriodNs) hc.StartPeriod = h.startPeriodNs;
    if (h.retries) hc.Retries = h.retries;
  }
  state.runConfig.Healthcheck = hc;
  const text = `HEALTHCHECK &{${goQuoteSlice(hc.Test!)} "${goDuration(hc.Interval ?? 0)}" "${goDuration(hc.Timeout ?? 0)}" "${goDuration(hc.StartPeriod ?? 0)}" ${goQuoteRune(hc.Retries ?? 0)}}`;
  await commitMetadata(run, state, text, shellOf(state));
};

const shell: Dispatcher = async (run, state, ins) => {
  if (!ins.json) throw run.err("SHELL requires the arguments to be in JSON form");
  if (ins.args.length === 0) throw run.err("SHELL requires at least one argument");
  state.runConfig.Shell = [...ins.args];
  await commitMetadata(run, state, "SHELL " + goSlice(ins.args), shellOf(state));
};

/** Whether CMD was set in this stage; ENTRYPOINT clears an inherited CMD otherwise. */
const cmdSetIn = new WeakSet<StageState>();

const cmd: Dispatcher = async (run, state, ins) => {
  const c = ins.json ? [...ins.args] : [...shellOf(state), ins.args.join(" ")];
  state.runConfig.Cmd = c;
  cmdSetIn.add(state);
  await commitMetadata(run, state, "CMD " + goQuoteSlice(c), shellOf(state));
};

const entrypoint: Dispatcher = async (run, state, ins) => {
  const line = ins.args.join(" ");
  const e = ins.json ? [...ins.args] : line.trim() === "" ? [""] : [...shellOf(state), line];
  state.runConfig.Entrypoint = ins.json && ins.args.length === 0 ? null : e;
  if (!cmdSetIn.has(state)) state.runConfig.Cmd = null;
  await commitMetadata(run, state, "ENTRYPOINT " + goQuoteSlice(state.runConfig.Entrypoint ?? []), shellOf(state));
};

const onbuild: Dispatcher = async (run, state, ins) => {
  const trigger = ins.trigger ?? ins.original.replace(/^\s*ONBUILD\s*/i, "");
  const kind = ins.onbuild?.kind;
  if (kind === "ONBUILD") throw run.err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (kind === "FROM" || kind === "MAINTAINER") throw run.err(`${kind} isn't allowed as an ONBUILD trigger`);
  state.runConfig.OnBuild = [...(state.runConfig.OnBuild ?? []), trigger];
  await commitMetadata(run, state, "ONBUILD " + trigger, shellOf(state));
};

const arg: Dispatcher = async (run, state, ins) => {
  const parts: string[] = [];
  for (const p of ins.pairs ?? []) {
    const key = p.key;
    const dflt = p.value === null || p.value === undefined ? undefined : expand(run, state, p.value);
    const given = run.opts.buildArgs?.[key];
    const value = given ?? dflt ?? (run.metaArgs.has(key) ? run.metaArgs.get(key) : undefined);
    state.args.set(key, value);
    (state.bkArgs ??= []).push([key, value ?? ""]);
    run.consumedArgs.add(key);
    parts.push(dflt === undefined ? key : `${key}=${dflt}`);
  }
  await commitMetadata(run, state, "ARG " + parts.join(" "), shellOf(state));
};

export const metadataDispatchers: Record<string, Dispatcher> = {
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
};
