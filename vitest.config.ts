import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Spec, kernel and thread tests spawn their own processes and workers; two cores.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
