#!/usr/bin/env node
// The library's package carries the `tsbuild` command too, so `npm i -D @tsbuild/tsbuild` gives
// `npx tsbuild build .` without a second install (pnpm links only direct dependencies' bins).
import "@tsbuild/cli/bin";
