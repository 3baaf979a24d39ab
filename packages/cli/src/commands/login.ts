import { DOCKER_HUB_DOMAIN, offlineFromEnv, RegistryClient, RegistryError, saveCredentials } from "@tsbuild/registry";
import { UsageError, type Command, checkArgCount } from "../command.js";

/** `docker login [-u U] [-p P | --password-stdin] [SERVER]`: checks the credentials, then stores them in the Docker config. */
export const loginCommand: Command = {
  name: "login",
  summary: "Log in to a Docker registry",
  usage: "login [OPTIONS] [SERVER]",
  options: {
    username: { type: "string", short: "u" },
    password: { type: "string", short: "p" },
    "password-stdin": { type: "boolean" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(loginCommand, positionals.length, 0, 1);
    const domain = serverDomain(positionals[0]);
    const username = values.username as string | undefined;
    let password = values.password as string | undefined;
    if (values["password-stdin"]) {
      if (password !== undefined) throw new UsageError("--password and --password-stdin are mutually exclusive");
      if (!username) throw new UsageError("Must provide --username with --password-stdin");
      let text = "";
      for await (const c of io.stdin) text += c.toString();
      password = text.replace(/\r?\n$/, "");
    } else if (password !== undefined) {
      io.stderr("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    }
    if (!username || password === undefined) throw new UsageError("tsbuild login needs -u USER and --password-stdin (no interactive prompt)");
    try {
      await new RegistryClient(domain, { credentials: { username, password }, env: io.env, offline: offlineFromEnv(io.env) }).login();
    } catch (e) {
      if (e instanceof RegistryError) {
        io.stderr(`Error response from daemon: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const path = await saveCredentials(domain, { username, password }, { env: io.env });
    io.stderr(`WARNING! Your password will be stored unencrypted in ${path}.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n`);
    io.stdout("Login Succeeded\n");
    return 0;
  },
};

/** SERVER as the docker CLI takes it: a bare host, or a URL whose host is kept. */
export function serverDomain(server: string | undefined): string {
  if (!server) return DOCKER_HUB_DOMAIN;
  const host = server.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB_DOMAIN : host;
}
