/**
 * How every function is bundled: the CDK app passes these to NodejsFunction, and the tests bundle with the
 * same options, so what is tested is what deploys (data read from disk at run time would not survive this).
 */
export const bundling = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); an ESM bundle has to provide one.
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;
