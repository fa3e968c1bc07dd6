import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // The app's zod configuration, as the CLI sets it before anything else.
    setupFiles: ["src/zod-config.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: more workers only fight over them (each PGlite is a WASM Postgres).
    maxWorkers: 2,
    // CI shares two cores between two test workers, PostgreSQL, Redis and Chromium: a test that
    // fails there is run once more, and vitest reports it as flaky instead of hiding it.
    retry: process.env.CI ? 1 : 0,
  },
});
