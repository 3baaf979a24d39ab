import type { Command } from "../command.js";
import { buildCommand } from "./build.js";
import { checkCommand } from "./check.js";
import { compareCommand } from "./compare.js";
import { demoCommand } from "./demo.js";
import { diffCommand } from "./diff.js";
import { explainCommand } from "./explain.js";
import { fsckCommand } from "./fsck.js";
import { historyCommand } from "./history.js";
import { imagesCommand } from "./images.js";
import { importCommand } from "./import.js";
import { inspectCommand } from "./inspect.js";
import { loadCommand } from "./load.js";
import { rmiCommand } from "./rmi.js";
import { saveCommand } from "./save.js";
import { tagCommand } from "./tag.js";

// One line per command; each command lives in its own file.
export const commands: Command[] = [
  buildCommand,
  demoCommand,
  imagesCommand,
  historyCommand,
  inspectCommand,
  importCommand,
  loadCommand,
  saveCommand,
  tagCommand,
  rmiCommand,
  fsckCommand,
  explainCommand,
  diffCommand,
  compareCommand,
  checkCommand,
];
