import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships CJS (`main`) and ESM (`module`) builds. Node (and so type-graphql, Apollo)
    // loads the CJS one; Vite would hand our files the ESM one, and two graphql realms break
    // `instanceof GraphQLScalarType/GraphQLError`. One build for everyone, as in production.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'data/**'],
    setupFiles: ['test/support/setup.ts'],
    // Drops the scratch databases of files that could not drop their own (all tests skipped).
    globalSetup: ['test/support/global-setup.ts'],
    // Each test file gets its own scratch database and Redis prefix, so files run in parallel.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
