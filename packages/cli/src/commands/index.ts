import type { Command } from "../command.js";

/**
 * One line per command; each command lives in its own file and is loaded only when it runs, so
 * `tsbuild build` never loads the explain, compare or store-archive code (startup is most of a
 * cached build's time).
 */
export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: "build", load: async () => (await import("./build.js")).buildCommand },
  { name: "demo", load: async () => (await import("./demo.js")).demoCommand },
  { name: "images", load: async () => (await import("./images.js")).imagesCommand },
  { name: "history", load: async () => (await import("./history.js")).historyCommand },
  { name: "inspect", load: async () => (await import("./inspect.js")).inspectCommand },
  { name: "import", load: async () => (await import("./import.js")).importCommand },
  { name: "load", load: async () => (await import("./load.js")).loadCommand },
  { name: "save", load: async () => (await import("./save.js")).saveCommand },
  { name: "tag", load: async () => (await import("./tag.js")).tagCommand },
  { name: "rmi", load: async () => (await import("./rmi.js")).rmiCommand },
  { name: "fsck", load: async () => (await import("./fsck.js")).fsckCommand },
  { name: "explain", load: async () => (await import("./explain.js")).explainCommand },
  { name: "diff", load: async () => (await import("./diff.js")).diffCommand },
  { name: "compare", load: async () => (await import("./compare.js")).compareCommand },
  { name: "check", load: async () => (await import("./check.js")).checkCommand },
  { name: "pull", load: async () => (await import("./pull.js")).pullCommand },
  { name: "push", load: async () => (await import("./push.js")).pushCommand },
  { name: "login", load: async () => (await import("./login.js")).loginCommand },
  { name: "logout", load: async () => (await import("./logout.js")).logoutCommand },
  { name: "image prune", load: async () => (await import("./prune.js")).imagePruneCommand },
  { name: "builder prune", load: async () => (await import("./prune.js")).builderPruneCommand },
  { name: "system df", load: async () => (await import("./system-df.js")).systemDfCommand },
  { name: "cache", load: async () => (await import("./cache.js")).cacheCommand },
];
