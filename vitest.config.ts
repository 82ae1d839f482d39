import { defineConfig } from 'vitest/config';

// EMF lines are for CloudWatch: off in tests (as in npm start), but in the one file that reads them.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'warn', POWERTOOLS_METRICS_DISABLED: 'true' };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own dynalite and server on free ports; two cores, so two files at a time.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'], env } },
      {
        // ops (#11): the integration suite again with the local runtime in its AWS-like mode (stream records
        // arrive 200 ms after the write is answered): tests that read views after a write wait for them (pump.drain()
        // in process, polling a child's API), as any AWS client would.
        extends: true,
        test: {
          name: 'lagged',
          include: [
            'test/integration/api.test.ts',
            'test/integration/journal.test.ts',
            'test/integration/lagged.test.ts',
            'test/integration/search.test.ts',
            'test/integration/feeds.test.ts',
            'test/integration/webhooks.test.ts',
            'test/integration/runtime.test.ts',
          ],
          env: { ...env, TAQWEEM_STREAM_LAG_MS: '200' },
        },
      },
    ],
  },
});
