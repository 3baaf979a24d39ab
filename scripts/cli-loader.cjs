#!/usr/bin/env node
// The `tsbuild` command as users run it (copied to packages/cli/bundle/bin.js by bundle-cli.mjs).
// It runs the bundled CLI (tsbuild.cjs beside it, and tsbuild-run.cjs at a build's first RUN)
// through vm.Scripts given V8's cached code for them: compiling the CLI's modules was the largest
// part of starting a build (issue 16). Without a usable cache a script compiles as Node would and
// a cache is written for the next run; a cache V8 rejects (another Node version) is replaced the
// same way. TSBUILD_CODE_CACHE=0 turns the caches off; TSBUILD_CODE_CACHE_DIR names the one
// directory to keep them in.
// CommonJS (bundle/package.json says so): an ES module entry would start Node's ESM loader first.
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { homedir } = require("node:os");
const { join } = require("node:path");
const { Script, constants } = require("node:vm");

const BUNDLE_ID = "BUNDLE_ID";
// Per script, latin1 when it is ASCII: a one-byte string, no decoding.
const SCRIPT_ENCODINGS = "SCRIPT_ENCODINGS";
// What the CLI script requires to reach a module of tsbuild-run.cjs.
const RUNTIME_PREFIX = "RUNTIME_PREFIX";
const here = __dirname;
const useCache = process.env.TSBUILD_CODE_CACHE !== "0";
// V8 rejects a cache made under other flags (--cpu-prof, --inspect, NODE_OPTIONS): such runs keep
// their own, instead of replacing the plain one back and forth.
const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ").trim();
const flagsTag = flags ? `-${createHash("sha256").update(flags).digest("hex").slice(0, 8)}` : "";
// Beside the bundle first (written when it was built); the user's cache directory when that is
// not writable (an installed copy).
const cacheDirs = process.env.TSBUILD_CODE_CACHE_DIR
  ? [process.env.TSBUILD_CODE_CACHE_DIR]
  : [here, join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsbuild")];
const toWrite = [];

if (useCache) {
  // At exit, so the functions this run compiled lazily are in the caches too.
  process.once("exit", () => {
    for (const { script, cacheName } of toWrite) {
      const data = script.createCachedData();
      for (const dir of cacheDirs) if (writeCache(dir, cacheName, data)) break;
    }
  });
}

const nodeRequire = Module.createRequire(join(here, "tsbuild.cjs"));
let runtime;
function cliRequire(id) {
  if (!id.startsWith(RUNTIME_PREFIX)) return nodeRequire(id);
  runtime ??= run("tsbuild-run", (dep) => (Object.hasOwn(cli.shared, dep) ? cli.shared[dep]() : nodeRequire(dep)));
  return runtime[id.slice(RUNTIME_PREFIX.length)];
}
const cli = run("tsbuild", cliRequire);

function run(name, requireFn) {
  const file = join(here, `${name}.cjs`);
  // The CLI's cache keeps the name it had when it was the only script.
  const cacheName = `tsbuild-${BUNDLE_ID}-${process.version}-${process.arch}${flagsTag}${name === "tsbuild" ? "" : `.${name}`}.v8cache`;
  let cached;
  if (useCache) {
    for (const dir of cacheDirs) {
      try {
        cached = readFileSync(join(dir, cacheName));
        break;
      } catch {
        // not there: the next directory, or compile without
      }
    }
  }
  const script = new Script(Module.wrap(readFileSync(file, SCRIPT_ENCODINGS[name])), {
    filename: file,
    cachedData: cached,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (useCache && (!cached || script.cachedDataRejected)) toWrite.push({ script, cacheName });
  const mod = { exports: {} };
  const req = Object.assign(requireFn, { resolve: nodeRequire.resolve, cache: nodeRequire.cache });
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, here);
  return mod.exports;
}

function writeCache(dir, cacheName, data) {
  try {
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `${cacheName}.${process.pid}.tmp`);
    writeFileSync(temp, data);
    renameSync(temp, join(dir, cacheName));
    // Caches of earlier bundles are never read again.
    for (const name of readdirSync(dir)) {
      if (/^tsbuild-[0-9a-f]{16}-.*\.v8cache$/.test(name) && !name.startsWith(`tsbuild-${BUNDLE_ID}-`)) rmSync(join(dir, name), { force: true });
    }
    return true;
  } catch {
    return false;
  }
}
