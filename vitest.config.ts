import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests import the repo's shared/ as @shared (not to be confused with ../shared outside the repo).
  resolve: { alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) } },
  test: {
    include: ['tests/core/**/*.test.ts', 'tests/cli/**/*.test.ts', 'tests/main/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/electron/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    // expect.poll waits for the screen to catch up with a sealed, signed, fsynced write;
    // one second (vitest's default) is less than that takes on a busy two-core machine.
    // A wait, not a speed goal: speed is measured in npm run bench.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
    // Crypto work is CPU-bound and the machines have two cores.
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
