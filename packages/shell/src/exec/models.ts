import { hasApplet } from "../applets/registry.js";
import type { CommandModel } from "../run-spec.js";
import type { SimCommand } from "../sim-command.js";
import type { ProcessFs } from "../sandbox/process-fs.js";
import { basename, resolvePath } from "../util/paths.js";
import { classify, MAX_INTERPRETER_DEPTH, searchPath } from "./lookup.js";
import type { Step } from "./step.js";

/**
 * The model that stands in for the command `word args`, if one applies. `path` is where PATH
 * lookup found the program (undefined: nowhere). A model without `override` applies only when
 * the program cannot run in the sandbox; the first matching model wins.
 */
export function modelFor(
  step: Step,
  command: { word: string; path: string | undefined; args: string[] },
  where: { cwd: string; pathVar: string },
): SimCommand | undefined {
  if (step.models.length === 0) return undefined;
  const { word, path, args } = command;
  const program = basename(word);
  let runnable: boolean | undefined;
  for (const model of step.models) {
    if (model.program !== program) continue;
    if (model.applies && !model.applies(step.fs.root, path)) continue;
    if (!model.override) {
      runnable ??= path !== undefined && canRun(step, path, word, where.cwd, where.pathVar, 0);
      if (runnable) continue;
    }
    const run = model.match(args);
    if (run) return run;
  }
  return undefined;
}

/** Whether exec form's argv[0] is covered by a model (then Docker's start check is the model's to pass). */
export function modelCovers(models: readonly CommandModel[], argv: readonly string[]): boolean {
  const program = basename(argv[0]);
  return models.some((m) => m.program === program && m.match(argv.slice(1)) !== undefined);
}

/**
 * Whether the file at `path` is something the sandbox can run: a script whose interpreter it
 * can run, a simulated binary, an applet tsbuild has, a text file for the shell. A file it
 * cannot execute does not count as runnable; neither does a script whose `#!` interpreter
 * (or the program `#!/usr/bin/env NAME` names) is missing or one of those.
 */
function canRun(step: Step, path: string, word: string, cwd: string, pathVar: string, depth: number): boolean {
  const fs: ProcessFs = step.fs;
  const program = classify(fs, path, word, step.binaries, hasApplet);
  switch (program.kind) {
    case "missing":
    case "foreign":
      return false;
    case "applet":
      return hasApplet(program.applet);
    case "script": {
      // Past the kernel's limit the program fails as it would in Docker; no model stands in.
      if (depth >= MAX_INTERPRETER_DEPTH) return true;
      const interpreter = resolvePath(cwd, program.interpreter);
      if (!fs.tryStat(interpreter)) return false;
      const named = program.arg;
      if (basename(interpreter) === "env" && named && !named.startsWith("-") && !/\s/.test(named)) {
        const target = named.includes("/") ? resolvePath(cwd, named) : searchPath(fs, named, pathVar, cwd);
        return target !== undefined && canRun(step, target, named, cwd, pathVar, depth + 1);
      }
      return canRun(step, interpreter, program.interpreter, cwd, pathVar, depth + 1);
    }
    default:
      // Simulated binaries, text for the shell, and files without execute permission (which
      // fail with 126 as in Docker) are the image's own programs.
      return true;
  }
}
