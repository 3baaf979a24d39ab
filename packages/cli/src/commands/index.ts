import type { Command } from "../command.js";

// One line per command; each command lives in its own file.
export const commands: Command[] = [
];
