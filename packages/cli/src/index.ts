export { main } from "./main.js";
export type { Command, Io } from "./command.js";
