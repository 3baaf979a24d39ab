import { defineConfig } from "vitest/config";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import workspace packages from source, so a test run never depends on a stale dist/.
    alias: [
      { find: /^@tsbuild\/([a-z-]+)$/, replacement: join(root, "packages/$1/src/index.ts") },
      { find: /^@tsbuild\/tsbuild\/vitest$/, replacement: join(root, "packages/tsbuild/src/vitest.ts") },
      { find: /^tsbuild\/vitest$/, replacement: join(root, "packages/tsbuild/src/vitest.ts") },
      { find: /^tsbuild$/, replacement: join(root, "packages/tsbuild/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 60000,
    pool: "forks",
  },
});
