import { afterAll, describe, it } from "vitest";
import { cleanupHarness, isRoot } from "./harness.js";
import { flavours, same } from "./generators.js";

afterAll(cleanupHarness);

// Every shell starts with OPTIND=1: Debian's `which` (a dash script) shifts by $OPTIND - 1 after
// its getopts loop, and failed with "shift: -1" before (found building a real-world Dockerfile).
const scripts = [
  'echo "[$OPTIND]"',
  'getopts ab: o -a -b v; echo "$? [$OPTIND] [$o] [$OPTARG]"; getopts ab: o -a -b v; echo "$? [$OPTIND] [$o] [$OPTARG]"',
  'set -- -a arg; while getopts a o; do echo "opt $o"; done; shift $((OPTIND - 1)); echo "rest $*"',
  'set -- plain; while getopts a o; do echo "opt $o"; done; shift $((OPTIND - 1)); echo "rest $*"',
  'env | grep -c "^OPTIND=" || true',
  'sh -c \'echo "[$OPTIND]"\'',
  'OPTIND=7; export OPTIND; sh -c \'echo "[$OPTIND]"; env | grep "^OPTIND="\'',
];

describe.skipIf(!isRoot)("OPTIND and getopts, as the image's shell has them", () => {
  for (const flavour of flavours) {
    it(`starts every shell at OPTIND=1 (${flavour})`, async () => {
      for (const script of scripts) await same(flavour, [], script);
    });
  }
});
