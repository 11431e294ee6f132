import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Process tests run the compiled app; this builds dist/ first when the sources changed.
    globalSetup: ['test/support/build-dist.ts'],
    // End-to-end tests boot real HTTP servers and SQLite files; give them room on slow machines.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
