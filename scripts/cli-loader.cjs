#!/usr/bin/env node
// The `tsbuild` command as users run it (copied to packages/cli/bundle/bin.js by bundle-cli.mjs).
// It runs the bundled CLI (tsbuild.cjs beside it) through a vm.Script given V8's cached code for
// it: compiling the CLI's modules was the largest part of starting a build (issue 16). Without a
// usable cache it compiles as Node would and writes one for the next run; a cache V8 rejects
// (another Node version) is replaced the same way. TSBUILD_CODE_CACHE=0 turns the cache off;
// TSBUILD_CODE_CACHE_DIR names the one directory to keep it in.
// CommonJS (bundle/package.json says so): an ES module entry would start Node's ESM loader first.
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { homedir } = require("node:os");
const { join } = require("node:path");
const { Script, constants } = require("node:vm");

const BUNDLE_ID = "BUNDLE_ID";
// latin1 when the script is ASCII: a one-byte string, no decoding.
const SCRIPT_ENCODING = "SCRIPT_ENCODING";
const here = __dirname;
const file = join(here, "tsbuild.cjs");
const useCache = process.env.TSBUILD_CODE_CACHE !== "0";
// V8 rejects a cache made under other flags (--cpu-prof, --inspect, NODE_OPTIONS): such runs keep
// their own, instead of replacing the plain one back and forth.
const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ").trim();
const flagsTag = flags ? `-${createHash("sha256").update(flags).digest("hex").slice(0, 8)}` : "";
const cacheName = `tsbuild-${BUNDLE_ID}-${process.version}-${process.arch}${flagsTag}.v8cache`;
// Beside the bundle first (written when it was built); the user's cache directory when that is
// not writable (an installed copy).
const cacheDirs = process.env.TSBUILD_CODE_CACHE_DIR
  ? [process.env.TSBUILD_CODE_CACHE_DIR]
  : [here, join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsbuild")];

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

const script = new Script(Module.wrap(readFileSync(file, SCRIPT_ENCODING)), {
  filename: file,
  cachedData: cached,
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});

if (useCache && (!cached || script.cachedDataRejected)) {
  // At exit, so the functions this run compiled lazily are in the cache too.
  process.once("exit", () => {
    const data = script.createCachedData();
    for (const dir of cacheDirs) if (writeCache(dir, data)) return;
  });
}

const cli = { exports: {} };
script.runInThisContext().call(cli.exports, cli.exports, Module.createRequire(file), cli, file, here);

function writeCache(dir, data) {
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
