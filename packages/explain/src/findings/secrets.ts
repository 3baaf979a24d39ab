import type { Finding } from "../types.js";
import { layerName } from "../words.js";
import type { FindingContext } from "./context.js";

/** Files that hold credentials by what they are called; the first match names the kind. */
const SECRETS: Array<{ test: (path: string, name: string) => boolean; what: string }> = [
  { test: (_, n) => /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(n), what: "an SSH private key" },
  { test: (_, n) => /\.(key|p12|pfx)$/.test(n) || /(private|priv|key).*\.pem$/i.test(n), what: "a private key" },
  { test: (_, n) => n === ".env" || (/^\.env\./.test(n) && !/\.(example|sample|template|dist)$/.test(n)), what: "an environment file: passwords, API keys" },
  { test: (p) => p.endsWith("/.aws/credentials") || p.endsWith("/.aws/config"), what: "AWS credentials" },
  { test: (p) => /\/\.config\/gcloud\/(application_default_credentials\.json|credentials\.db|access_tokens\.db)$/.test(p), what: "Google Cloud credentials" },
  { test: (p) => /\/\.azure\/(accessTokens\.json|msal_token_cache\.(json|bin))$/.test(p), what: "Azure credentials" },
  { test: (p) => p.endsWith("/.kube/config"), what: "a Kubernetes config (cluster credentials)" },
  { test: (p) => p.endsWith("/.docker/config.json"), what: "Docker registry credentials" },
  { test: (_, n) => n === ".npmrc" || n === ".pypirc" || n === ".git-credentials" || n === ".netrc", what: "a token file" },
];

export function secretKind(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return SECRETS.find((s) => s.test(path, name))?.what;
}

/**
 * Credentials any layer of the build stores, whether or not a later layer deletes them: a delete
 * hides a file from the final filesystem, but the layer that added it still ships it, and
 * `docker save` or any registry pull hands it out. Base-image layers are not the build's doing.
 */
export function secrets(ctx: FindingContext): Finding[] {
  const out: Finding[] = [];
  ctx.changes.forEach((c, layer) => {
    if (ctx.layers[layer].base) return;
    for (const f of [...c.added, ...c.modified]) {
      if (f.type !== "file" || f.size === 0) continue;
      const what = secretKind(f.path);
      if (!what) continue;
      const hider = ctx.changes.findIndex((l, i) => i > layer && l.deleted.some((d) => f.path === d.path || f.path.startsWith(d.path + "/")));
      const fate =
        hider >= 0
          ? `A later step, ${ctx.layers[hider].label}, deletes it, but ${layerName(layer)} still holds it: anyone with the image can read it (docker save, a registry pull).`
          : `The final image ships it: anyone with the image can read it.`;
      out.push({
        kind: "secret",
        security: true,
        message:
          `Security: ${ctx.layers[layer].label} puts ${f.path} (${what}) in ${layerName(layer)}. ${fate} ` +
          `Keep it out of the build context (.dockerignore) and give the build what it needs as a secret (\`RUN --mount=type=secret,id=…\`), never in a layer.`,
        bytes: f.size,
        layers: hider >= 0 ? [layer, hider] : [layer],
      });
    }
  });
  return out;
}
