// Bundles the CLI (packages/cli/dist, after tsc) into packages/cli/bundle/ and warms its V8 code
// cache (issue 16: starting up was half of every CLI build, most of it compiling modules).
//
// - bundle/tsbuild.cjs and bundle/tsbuild-run.cjs: the CLI as two CommonJS scripts (below, step
//   by step). ES modules cannot be given a code cache on Node 20 (module.enableCompileCache is
//   Node 22), a vm.Script can; esbuild wraps every module behind a dynamic import in a lazy
//   initialiser, so a build still runs only what it uses.
// - bundle/bin.js: the small loader users run (see cli-loader.cjs): it compiles each script with
//   its cached code when there is one, and leaves a cache behind when there is none.
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

// Two scripts, so that a build reads and deserialises only what it runs:
// - tsbuild.cjs: the CLI, the builder, the store and everything but what RUN needs;
// - tsbuild-run.cjs: the shell and the package managers (just-bash, OpenPGP, …: four fifths of
//   the code), loaded by a build's first RUN. A cache hit, a metadata-only or COPY-only build
//   never reads it.
// A module both need is kept once, in tsbuild.cjs: tsbuild-run.cjs `require`s it by its import
// specifier and the loader answers with the CLI's own instance (one store lock registry, one set of
// classes), through the `shared` table tsbuild.cjs exports.
const RUNTIME = ["@tsbuild/shell", "@tsbuild/pkgsim"];
const RUNTIME_PREFIX = "tsbuild-run:";
const common = {
  absWorkingDir: repo,
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
  logLevel: "warning",
  legalComments: "none",
};
// The CLI's dynamic `import("@tsbuild/shell")` becomes a `require` the loader answers.
const runtimeOutside = {
  name: "runtime-outside",
  setup(b) {
    const filter = new RegExp(`^(${RUNTIME.map((n) => n.replace("/", "\\/")).join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: RUNTIME_PREFIX + args.path, external: true }));
  },
};
const mainOptions = { ...common, supported: { "dynamic-import": false }, plugins: [keepFileUrls, runtimeOutside] };

// 1. What the CLI holds without the shared table.
const probe = await build({ ...mainOptions, entryPoints: ["packages/cli/dist/bin.js"], write: false, metafile: true });
const held = new Set(Object.keys(probe.metafile.inputs));

// 2. The runtime: every import of a file the CLI holds becomes a `require` of a key naming that
// file (not the import's specifier: two packages may resolve one specifier differently).
const SHARED_PREFIX = "tsbuild-shared:";
const shared = new Set();
const shareHeld = {
  name: "share-held",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.probing || args.path.startsWith("node:")) return undefined;
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { probing: true } });
      const file = relative(repo, r.path).split(sep).join("/");
      if (r.errors.length > 0 || r.external || !held.has(file)) return undefined;
      shared.add(file);
      return { path: SHARED_PREFIX + file, external: true };
    });
  },
};
const runtimeScript = join(outdir, "tsbuild-run.cjs");
const runtimeBuild = await build({
  ...common,
  metafile: true,
  // Resolved from the builder, whose dependencies they are.
  stdin: { contents: RUNTIME.map((n) => `exports[${JSON.stringify(n)}] = require(${JSON.stringify(n)});`).join("\n"), resolveDir: join(repo, "packages/builder"), sourcefile: "runtime-entry.js", loader: "js" },
  outfile: runtimeScript,
  plugins: [keepFileUrls, shareHeld],
});

// A package's module in both scripts would be two instances (two lock registries, two classes).
const twice = Object.keys(runtimeBuild.metafile.inputs).filter((f) => held.has(f) && f.startsWith("packages/"));
if (twice.length > 0) throw new Error(`bundle-cli: in both scripts: ${twice.join(", ")}`);

// 3. The CLI, exporting the shared modules (each initialised when the runtime first asks).
const mainScript = join(outdir, "tsbuild.cjs");
const table = [...shared].sort().map((f) => `  ${JSON.stringify(SHARED_PREFIX + f)}: () => require(${JSON.stringify("./" + f)}),`).join("\n");
await build({
  ...mainOptions,
  stdin: { contents: `exports.shared = {\n${table}\n};\nrequire("./packages/cli/dist/bin.js");\n`, resolveDir: repo, sourcefile: "cli-entry.js", loader: "js" },
  outfile: mainScript,
});

// The entry's `#!` line would be a syntax error inside the CommonJS wrapper the loader compiles.
const scripts = {};
const id = createHash("sha256");
for (const [name, file] of [["tsbuild", mainScript], ["tsbuild-run", runtimeScript]]) {
  const code = (await readFile(file, "utf8")).replace(/^#![^\n]*\n/, "\n");
  await writeFile(file, code, "utf8");
  scripts[name] = /[^\x00-\x7f]/.test(code) ? "utf8" : "latin1";
  id.update(name).update("\0").update(code);
}

// V8 accepts a cache made for any script of the same length, so the caches' names carry a hash
// of the scripts: a rebuilt bundle never runs with the previous one's compiled code.
const loader = await readFile(join(repo, "scripts/cli-loader.cjs"), "utf8");
const bin = loader
  .replace('"BUNDLE_ID"', JSON.stringify(id.digest("hex").slice(0, 16)))
  .replace('"SCRIPT_ENCODINGS"', JSON.stringify(scripts))
  .replace('"RUNTIME_PREFIX"', JSON.stringify(RUNTIME_PREFIX));
await writeFile(join(outdir, "bin.js"), bin, { mode: 0o755 });
await writeFile(join(outdir, "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");

const warm = spawnSync(process.execPath, [join(outdir, "bin.js"), "demo"], { encoding: "utf8" });
if (warm.status !== 0) throw new Error(`bundle-cli: warming the code cache with \`tsbuild demo\` failed:\n${warm.stderr}`);
