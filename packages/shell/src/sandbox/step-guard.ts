/**
 * The running step's limits — its time limit and its memory budget — checked from inside
 * synchronous loops and before big allocations.
 *
 * Time: just-bash's own limit is a timer, and no timer fires while a command's JavaScript never
 * yields (a `sed` branch loop): the loops that can run long call `checkStep()` instead —
 * just-bash's interpreter and its sed/awk loops through the hook below (installed by the
 * just-bash patch, see the package README). Stopping synchronous JavaScript from outside is not
 * safe in Node: V8's TerminateExecution from a watchdog thread drops pending promise
 * continuations and, with async hooks in use (an AsyncLocalStorage anywhere in the process), aborts
 * Node on its own assertions; running the step in a worker would need the step's whole
 * filesystem there. A check costs a counter. JavaScript that never reaches a check is stopped by
 * the watchdog (watchdog.ts), which can only kill the process.
 *
 * Memory: a step's files, pipes and device reads are Node buffers; past the budget (`--memory`)
 * the step stops with a message instead of Node's RangeError or a heap abort.
 *
 * Both stops are sticky: once the step is stopped every later check throws, so the script ends
 * at its next command whatever it catches.
 */
export class StepStopped extends Error {}

/**
 * Date.now() (tens of nanoseconds) is read once per this many checks; some checked loops do
 * work proportional to their data per turn (sed's), so the clock is read often.
 */
const EVERY = 16;

interface Guard {
  deadline: number;
  timeoutMs: number;
  memoryBytes: number;
  /** Bytes of each file the step wrote, as last written. */
  files: Map<string, number>;
  filesTotal: number;
  stopped?: StepStopped;
  timedOut: boolean;
}

let guard: Guard | undefined;
let calls = 0;

function stop(g: Guard, error: StepStopped): never {
  g.stopped ??= error;
  throw g.stopped;
}

export function timeoutMessage(ms: number): string {
  return `the command ran longer than the step's time limit (${ms} ms) and was stopped`;
}

export function memoryMessage(bytes: number): string {
  return `the step's files exceed the memory limit of ${formatBytes(bytes)} (use --memory)`;
}

export function checkStep(): void {
  const g = guard;
  if (!g) return;
  if (g.stopped) throw g.stopped;
  if (++calls % EVERY !== 0) return;
  if (Date.now() > g.deadline) {
    g.timedOut = true;
    stop(g, new StepStopped(timeoutMessage(g.timeoutMs)));
  }
}

/** Before allocating `bytes` at once (a device read, a pipe's contents). */
export function claimMemory(bytes: number): void {
  const g = guard;
  if (!g) return;
  if (g.stopped) throw g.stopped;
  if (bytes > g.memoryBytes) stop(g, new StepStopped(memoryMessage(g.memoryBytes)));
}

/** A file of the step now holds `bytes`: the step's files together must stay in the budget. */
export function fileWritten(path: string, bytes: number): void {
  const g = guard;
  if (!g) return;
  g.filesTotal += bytes - (g.files.get(path) ?? 0);
  g.files.set(path, bytes);
  claimMemory(g.filesTotal);
}

export interface StepOutcome {
  /** Why the step was stopped, if it was. */
  error?: string;
  timedOut: boolean;
}

/**
 * Guards one step; `end()` stops guarding and says whether a limit stopped the step. Steps run
 * one at a time in a process (a RUN holds its stage's RootFS until it ends).
 */
export function startStepGuard(limits: { timeoutMs: number; memoryBytes: number }): { end(): StepOutcome } {
  const previous = guard;
  const mine: Guard = {
    deadline: Date.now() + limits.timeoutMs,
    timeoutMs: limits.timeoutMs,
    memoryBytes: limits.memoryBytes,
    files: new Map(),
    filesTotal: 0,
    timedOut: false,
  };
  guard = mine;
  calls = 0;
  return {
    end() {
      guard = previous;
      return { error: mine.stopped?.message, timedOut: mine.timedOut };
    },
  };
}

/** A RangeError of Node's or V8's that means an allocation was too big. */
export function isAllocationFailure(e: unknown): boolean {
  return (
    e instanceof RangeError &&
    (/Invalid (string|array|typed array) length|Array buffer allocation failed|out of range|byte conversion limit/i.test(e.message) ||
      (e as { code?: string }).code === "ERR_OUT_OF_RANGE" ||
      (e as { code?: string }).code === "ERR_STRING_TOO_LONG")
  );
}

function formatBytes(n: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (n >= size) return `${+(n / size).toFixed(1)} ${unit}`;
  }
  return `${n} bytes`;
}

(globalThis as { __tsbuildStepCheck?: () => void }).__tsbuildStepCheck = checkStep;
