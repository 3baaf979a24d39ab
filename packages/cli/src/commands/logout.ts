import { authKey, eraseCredentials } from "@tsbuild/registry";
import { type Command, checkArgCount } from "../command.js";
import { serverDomain } from "./login.js";

export const logoutCommand: Command = {
  name: "logout",
  summary: "Log out from a Docker registry",
  usage: "logout [SERVER]",
  options: {},
  async run({ positionals, io }) {
    checkArgCount(logoutCommand, positionals.length, 0, 1);
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
