import type { Frontend } from "@tsbuild/parser";

/**
 * The dockerfile frontend a BuildKit build reads the file with. Without `# syntax=` it is the one
 * built into dockerd 20.10 (no heredocs, no COPY --link, ADD --checksum, RUN --network or
 * --security: recorded in the b-builtin-* cases). A `# syntax=` naming docker/dockerfile 1.4 or
 * later (`1`, `latest`, `1.4`…, the labs channels from 1.3) gets those features: Docker would pull
 * that frontend, tsbuild reads the file as it does.
 */
export function buildkitFrontend(syntax: string | undefined): Frontend {
  if (!syntax) return "builtin";
  const m = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?:([^@\s]+)/.exec(syntax.trim());
  if (!m) return "builtin";
  const tag = m[1];
  if (tag === "latest" || tag === "labs") return "buildkit";
  const v = /^(\d+)(?:\.(\d+))?(?:\.\d+)?(-labs)?$/.exec(tag);
  if (!v) return "builtin";
  const major = Number(v[1]);
  const minor = v[2] === undefined ? Infinity : Number(v[2]);
  if (major > 1) return "buildkit";
  if (major < 1) return "builtin";
  return minor >= 4 || (v[3] !== undefined && minor >= 3) ? "buildkit" : "builtin";
}
