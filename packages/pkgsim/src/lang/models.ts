import type { Fetcher } from "@tsbuild/fetch";
import type { CommandModel } from "@tsbuild/shell";
import { npmModel } from "../npm/command.js";
import { pipModels } from "../pip/command.js";

/**
 * The build's command models with tsbuild's real npm and pip placed after the user's own models
 * (a project's declaration wins) and before the built-in estimates (which keep answering for the
 * built-in images, whose npm and pip are stand-ins).
 */
export function withPackageManagers(models: readonly CommandModel[], o: { fetcher: Fetcher }): CommandModel[] {
  const fetcher = () => o.fetcher;
  const builtin = (m: CommandModel) => (m as { source?: string }).source === "built-in";
  return [...models.filter((m) => !builtin(m)), npmModel(fetcher), ...pipModels(fetcher), ...models.filter(builtin)];
}
