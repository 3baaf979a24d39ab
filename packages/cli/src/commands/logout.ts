import { authKey, eraseCredentials } from "@tsbuild/registry";
import { UsageError, type Command } from "../command.js";
import { serverDomain } from "./login.js";

export const logoutCommand: Command = {
  name: "logout",
  summary: "Log out from a Docker registry",
  usage: "logout [SERVER]",
  options: {},
  async run({ positionals, io }) {
    if (positionals.length > 1) {
      throw new UsageError(`"tsbuild logout" requires at most 1 argument.\nSee 'tsbuild logout --help'.\n\nUsage:  tsbuild logout [SERVER]`);
    }
    const domain = serverDomain(positionals[0]);
    const key = authKey(domain);
    if (!(await eraseCredentials(domain, { env: io.env }))) {
      io.stdout(`Not logged in to ${key}\n`);
      return 0;
    }
    io.stdout(`Removing login credentials for ${key}\n`);
    return 0;
  },
};
