/**
 * The simulated-binary contract is the shell's (src/sim-command.ts of @tsbuild/shell): the shell
 * runs a SimCommand when PATH lookup lands on a path in RunSpec.binaries. Type-only import:
 * pkgsim uses no shell code, and the shell imports nothing from pkgsim.
 */
export type { SimCommand, SimCommandContext } from "@tsbuild/shell";
