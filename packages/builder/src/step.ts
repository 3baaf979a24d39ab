import type { ContainerConfig } from "@tsbuild/image";
import type { Instruction } from "@tsbuild/parser";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { BuildError, type StepRecord } from "./options.js";

/** One `Step N/M`: what the evaluator hands the pipeline instead of fields on the build. */
export interface Step {
  record: StepRecord;
  /** The Dockerfile line; for an ONBUILD trigger, the FROM line it runs on behalf of. */
  line: Instruction;
  /** The instruction dispatched: the line's own, or the trigger's. */
  instruction: Instruction;
  trigger: boolean;
}

/**
 * A step's failure before it is placed: the evaluator adds the Dockerfile, line and instruction
 * (`located`), or leaves the message as it is (a failed RUN reports its command and code only).
 * A BuildError, so that one thrown where no step is running still reads as a failed build.
 */
export class StepError extends BuildError {
  constructor(
    message: string,
    exitCode = 1,
    readonly located = true,
  ) {
    super(message, exitCode);
  }
}

/** What BuildKit mode needs of a file step: its history text and what else goes into its cache key. */
export interface BuildKitStep {
  text: string;
  parts?: unknown;
}

/**
 * What a dispatcher hands to runStep (moby's dispatchers return to the evaluator, which commits):
 * a metadata step is its history text; a filesystem step is its probe config, its sources and its
 * change.
 */
export type StepPlan = MetadataStep | FileStep;

/** A config-only instruction: committed through a container whose Cmd is SHELL + ["#(nop) ", text]. */
export interface MetadataStep {
  metadata: string;
}

export interface FileStep {
  metadata?: undefined;
  /** The config the cache compares and the commit keeps as container_config (Cmd: the history text). */
  probe: ContainerConfig;
  buildkit?: BuildKitStep;
  /** path → content hash of the context files taken (the build record, the miss reasons). */
  sources?: Record<string, string>;
  /**
   * How the step meets a container: none (COPY/ADD), one created to commit (WORKDIR: its lines
   * follow the change) or one the change runs in (RUN: its lines surround the change).
   */
  container: "none" | "commit" | "run";
  /** Loads what the change needs before the sandbox is made (RUN: the shell, the models). */
  prepare?(): Promise<void>;
  /** The change, inside an open step; a throw rolls the step back. */
  change(fs: RootFS, containerId: string): Promise<void>;
}
