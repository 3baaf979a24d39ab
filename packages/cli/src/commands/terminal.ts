import type { Io } from "../command.js";

/** Colour on a terminal unless --no-color or $NO_COLOR (no-color.org) says otherwise. */
export function useColor(values: Record<string, unknown>, io: Io): boolean {
  return io.isTTY && !values["no-color"] && !io.env.NO_COLOR;
}

/** $COLUMNS when set (shells export it to programs on a terminal), else 100. */
export function terminalWidth(io: Io): number {
  const n = Number(io.env.COLUMNS);
  return Number.isInteger(n) && n >= 40 ? n : 100;
}
