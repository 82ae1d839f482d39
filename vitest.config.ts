import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'warn' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own dynalite and server on free ports; two cores, so two files at a time.
    maxWorkers: 2,
  },
});
