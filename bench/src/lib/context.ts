import type { Docker } from "./docker.js";

/** What every benchmark is given by the runner. */
export interface BenchContext {
  /** Repetitions of each measurement; figures are medians over them. */
  runs: number;
  /** The Docker baseline, or why there is none. */
  docker: Docker | string;
  /** A scratch directory of this run, removed at the end. */
  work: string;
  conformance: string;
  /** Progress lines (stderr), so stdout holds only the figures. */
  log: (line: string) => void;
}
