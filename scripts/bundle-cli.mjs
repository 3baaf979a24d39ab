// Bundles the CLI (packages/cli/dist, after tsc) into packages/cli/bundle/ and warms its V8 code
// cache (issue 16: starting up was half of every CLI build, most of it compiling modules).
//
// - bundle/tsbuild.cjs: the whole CLI as one CommonJS script. ES modules cannot be given a code
//   cache on Node 20 (module.enableCompileCache is Node 22), a vm.Script can; esbuild wraps every
//   module behind a dynamic import in a lazy initialiser, so a build still runs only what it uses.
// - bundle/bin.js: the small loader users run (see cli-loader.cjs): it compiles tsbuild.cjs with
//   the cached code when there is one, and leaves a cache behind when there is none.
// - The cache is made here by running `tsbuild demo` once (offline: it builds the apk examples in
//   a temporary store), so the functions a build needs are in it from the first real run.
//
// Two rewrites keep the packages' own files working from the bundle:
// - `import.meta.url` names the module's original file (relative to the bundle, so the
//   checkout may move): data directories (base images, pkgsim catalogs, models) and the
//   examples are found as before, and zod/yaml, required only for a user's models file, resolve
//   from their package. Any other `import.meta.url` (in a dependency) names the bundle.
// - `createRequire(import.meta.url)(lib)` for the CommonJS libraries below becomes a plain
//   require, which esbuild bundles: they are still loaded on first use only.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(repo, "packages/cli/bundle");
const BUNDLED_CJS = ["memfs", "xz-decompress", "fzstd", "seek-bzip"];

const keepFileUrls = {
  name: "keep-file-urls",
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      let text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      for (const lib of BUNDLED_CJS) text = text.replaceAll(`createRequire(import.meta.url)("${lib}")`, `require("${lib}")`);
      const rel = relative(outdir, args.path).split(sep).join("/");
      text = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, __tsbuildBundleUrl).href`);
      return { contents: text, loader: "js" };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const script = join(outdir, "tsbuild.cjs");
await build({
  absWorkingDir: repo,
  entryPoints: ["packages/cli/dist/bin.js"],
  outfile: script,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // ASCII (esbuild escapes strings; no whitespace leaves no comments) lets the loader read the
  // script as latin1, a one-byte string with no UTF-8 decoding; a tagged template may still
  // hold other characters, and then the loader decodes UTF-8. It is also 30% less to read.
  charset: "ascii",
  minifyWhitespace: true,
  define: { "import.meta.url": "__tsbuildBundleUrl" },
  banner: { js: 'var __tsbuildBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [keepFileUrls],
  logLevel: "warning",
  legalComments: "none",
});

// The entry's `#!` line would be a syntax error inside the CommonJS wrapper the loader compiles.
const code = (await readFile(script, "utf8")).replace(/^#![^\n]*\n/, "\n");
const encoding = /[^\x00-\x7f]/.test(code) ? "utf8" : "latin1";
await writeFile(script, code, "utf8");

// V8 accepts a cache made for any script of the same length, so the cache's name carries a hash
// of the script: a rebuilt bundle never runs with the previous one's compiled code.
const id = createHash("sha256").update(code).digest("hex").slice(0, 16);
const loader = await readFile(join(repo, "scripts/cli-loader.cjs"), "utf8");
const bin = loader.replace('"BUNDLE_ID"', JSON.stringify(id)).replace('"SCRIPT_ENCODING"', JSON.stringify(encoding));
await writeFile(join(outdir, "bin.js"), bin, { mode: 0o755 });
await writeFile(join(outdir, "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");

const warm = spawnSync(process.execPath, [join(outdir, "bin.js"), "demo"], { encoding: "utf8" });
if (warm.status !== 0) throw new Error(`bundle-cli: warming the code cache with \`tsbuild demo\` failed:\n${warm.stderr}`);
