import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const ci = Boolean(process.env.CI);

export default defineConfig({
  // graphql ships both CommonJS and ESM builds; Pothos and yoga must share one instance, or
  // graphql-js refuses types "from another module or realm". Pin everything to the CJS build.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Migrates template databases once per run; each test file copies one (test/database.ts).
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // One worker per core (vitest's default leaves one idle: a single worker on 2 cores), and
    // files share their worker's module cache instead of importing the schema, Prisma and
    // PGlite again each: that import was most of the CPU of a small test file. Files share no
    // state through modules (every app, server and database is made per file).
    maxWorkers: Math.max(2, availableParallelism()),
    isolate: false,
    // In CI (CI=1, as .ci/run sets it) tests and files run in a random order, so that none can
    // lean on another's data. The seed is printed ("Running tests with seed ..."); replay with
    // `npx vitest run --sequence.shuffle --sequence.seed=<seed>`.
    sequence: { shuffle: ci },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
