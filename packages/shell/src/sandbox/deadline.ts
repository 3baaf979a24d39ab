/**
 * The running step's time limit, checked from inside synchronous loops. just-bash's own limit
 * is a timer, and no timer fires while a command's JavaScript never yields (a `sed` branch
 * loop, `head -c` of /dev/zero into a hash): the loops that can run long call `checkDeadline()`
 * instead — just-bash's interpreter and its sed/awk loops through the hook below (installed by
 * the just-bash patch, see the package README), tsbuild's applets directly.
 *
 * Stopping synchronous JavaScript from outside is not safe in Node: V8's TerminateExecution
 * from a watchdog thread drops pending promise continuations and, with async hooks in use (the
 * store's lock uses AsyncLocalStorage), aborts Node on its own assertions; running the step in
 * a worker would need the step's whole filesystem there. Checks in the loops cost a counter.
 */
export class StepTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the command ran longer than the step's time limit (${timeoutMs} ms) and was stopped`);
  }
}

/**
 * Date.now() (tens of nanoseconds) is read once per this many checks; some checked loops do
 * work proportional to their data per turn (sed's), so the clock is read often.
 */
const EVERY = 16;

let deadline = Infinity;
let limitMs = 0;
let calls = 0;
let expired = false;

export function checkDeadline(): void {
  if (expired) throw new StepTimeout(limitMs);
  if (++calls % EVERY !== 0) return;
  if (Date.now() > deadline) {
    expired = true;
    throw new StepTimeout(limitMs);
  }
}

/**
 * Watches one step; `end()` stops watching and says whether a check stopped the step. Steps run
 * one at a time in a process (a RUN holds its stage's RootFS until it ends).
 */
export function startDeadline(timeoutMs: number): { end(): boolean } {
  const previous = { deadline, limitMs, expired };
  deadline = Date.now() + timeoutMs;
  limitMs = timeoutMs;
  expired = false;
  calls = 0;
  return {
    end() {
      const stopped = expired;
      ({ deadline, limitMs, expired } = previous);
      return stopped;
    },
  };
}

(globalThis as { __tsbuildStepCheck?: () => void }).__tsbuildStepCheck = checkDeadline;
