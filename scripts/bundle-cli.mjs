// Bundles the CLI (packages/cli/dist, after tsc) into packages/cli/bundle/: a few ES module
// files instead of ~500 (issue 16: module loading was half of every CLI build). Commands, the
// shell, pkgsim, models and explain stay behind dynamic imports, which esbuild turns into
// chunks of their own, so a build loads only what it runs.
//
// Two rewrites keep the packages' own files working from the bundle:
// - `import.meta.url` names the module's original file (relative to the bundle, so the
//   checkout may move): data directories (base images, pkgsim catalogs, models) and the
//   examples are found as before, and zod/yaml, required only for a user's models file, resolve
//   from their package.
// - `createRequire(import.meta.url)("memfs")` requires a one-file CommonJS bundle
//   of that library beside the chunks (vendor-*.cjs): loaded on first use only, as before, and
//   not parsed with every chunk that imports the module calling it.
import { build } from "esbuild";
import { readFile, rm } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(repo, "packages/cli/bundle");
const BUNDLED_CJS = ["memfs"];

const keepFileUrls = {
  name: "keep-file-urls",
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      let text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      for (const lib of BUNDLED_CJS) text = text.replaceAll(`createRequire(import.meta.url)("${lib}")`, `require("./vendor-${lib}.cjs")`);
      const rel = relative(outdir, args.path).split(sep).join("/");
      text = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
      return { contents: text, loader: "js" };
    });
    // Required at run time through the chunk's own require (see the banner), from beside it.
    b.onResolve({ filter: /^\.\/vendor-.*\.cjs$/ }, (args) => ({ path: args.path, external: true }));
  },
};

await rm(outdir, { recursive: true, force: true });
for (const lib of BUNDLED_CJS) {
  await build({
    absWorkingDir: repo,
    stdin: { contents: `module.exports = require(${JSON.stringify(lib)});`, resolveDir: join(repo, "packages/fs-snapshot"), loader: "js" },
    outfile: join(outdir, `vendor-${lib}.cjs`),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    legalComments: "none",
  });
}
await build({
  absWorkingDir: repo,
  entryPoints: { bin: "packages/cli/dist/bin.js", main: "packages/cli/dist/main.js" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Chunks beside the entries: the relative file URLs above assume one directory.
  chunkNames: "[name]-[hash]",
  // Bundled CommonJS code calls require() for Node's own modules.
  banner: { js: 'import { createRequire as __tsbuildRequire } from "node:module";\nconst require = __tsbuildRequire(import.meta.url);' },
  plugins: [keepFileUrls],
  logLevel: "warning",
  legalComments: "none",
});
