/**
 * A last resort for a step whose JavaScript never yields and never reaches a `checkStep()` (a
 * model's or an applet's own loop, a huge sort): a timer on the guard thread that, unless the
 * main thread disarms it first, prints the step's failure, releases the store locks this
 * process holds and kills the process (@tsbuild/guard's armWatchdog).
 *
 * Killing is the only safe stop (see step-guard.ts: V8's TerminateExecution from another thread
 * aborts Node here), and SIGKILL is the only signal a stuck main thread cannot ignore (Node runs
 * signal handlers on the main thread). A kill at any point leaves the store as the crash suite
 * proves it can (nothing half-committed; temp entries removed at the next start). Only a
 * process that exists for the build may be killed: the CLI arms it, a library host opts in.
 */
export { armWatchdog, type Watchdog } from "@tsbuild/guard";

/** How long past its time limit a step may take to stop by itself before the process is killed. */
export function watchdogGraceMs(timeoutMs: number): number {
  return Math.min(60_000, Math.max(2_000, Math.round(timeoutMs / 4)));
}
