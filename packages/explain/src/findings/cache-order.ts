import type { Finding, LayerAnalysis } from "../types.js";
import type { FindingContext } from "./context.js";

/** Dependency installers, and the files to copy before running them so their layer stays cached. */
const INSTALLERS: Array<{ re: RegExp; manifests: string }> = [
  { re: /\bnpm (ci|install|i)\b/, manifests: "package.json and package-lock.json" },
  { re: /\byarn( install)?\b/, manifests: "package.json and yarn.lock" },
  { re: /\bpnpm (install|i)\b/, manifests: "package.json and pnpm-lock.yaml" },
  { re: /\bpip3? install\b/, manifests: "requirements.txt" },
  { re: /\bpoetry install\b/, manifests: "pyproject.toml and poetry.lock" },
  { re: /\bpipenv install\b/, manifests: "Pipfile and Pipfile.lock" },
  { re: /\bbundle install\b/, manifests: "Gemfile and Gemfile.lock" },
  { re: /\bcomposer install\b/, manifests: "composer.json and composer.lock" },
  { re: /\bgo mod download\b/, manifests: "go.mod and go.sum" },
  { re: /\bcargo (fetch|build)\b/, manifests: "Cargo.toml and Cargo.lock" },
  { re: /\bmvn\b.*\b(dependency:|install|package)/, manifests: "pom.xml" },
  { re: /\b(apk add|apt-get( -\S+)* install|apt install|yum install|dnf install)\b/, manifests: "" },
];

/** COPY/ADD whose sources include the whole context directory. */
function copiesWholeContext(l: LayerAnalysis): boolean {
  if (l.instruction !== "COPY" && l.instruction !== "ADD") return false;
  const words = l.text.split(/\s+/).slice(1).filter((w) => !w.startsWith("--"));
  if (words.length >= 1 && words[0].startsWith("[")) {
    try {
      const arr = JSON.parse(words.join(" ")) as string[];
      return arr.slice(0, -1).some(isWholeContext);
    } catch {
      return false;
    }
  }
  return words.slice(0, -1).some(isWholeContext);
}

const isWholeContext = (src: string) => /^(\.|\.\/|\*|\.\/\*|\/|\/\*)$/.test(src);

/**
 * `COPY . …` before a dependency install: any change to any context file invalidates the
 * install's cache. Needs the Dockerfile's words (a build record, or history that keeps them):
 * the classic builder's history writes COPY sources as a hash.
 */
export function cacheOrder(ctx: FindingContext): Finding[] {
  const out: Finding[] = [];
  ctx.layers.forEach((copy, i) => {
    if (copy.base || !copiesWholeContext(copy)) return;
    const install = ctx.layers.slice(i + 1).find((l) => l.instruction === "RUN" && INSTALLERS.some((x) => x.re.test(l.text)));
    if (!install) return;
    const { manifests } = INSTALLERS.find((x) => x.re.test(install.text))!;
    const fix = manifests
      ? `COPY only ${manifests} first, run the install, then COPY the rest`
      : `Install the packages before the COPY`;
    out.push({
      kind: "cache-order",
      message:
        `${copy.label} copies the whole build context before ${install.label} installs dependencies: a change to any file ` +
        `in the context runs the install again. ${fix}, so the install stays cached while only your sources change. ` +
        `(The image is no smaller; the builds are faster.)`,
      bytes: 0,
      layers: [i, install.index],
    });
  });
  return out;
}
