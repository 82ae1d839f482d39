/**
 * The X-Ray SDK (under Powertools Tracer) starts in automatic mode, which installs an async hook (cls-hooked) in any
 * process that loads it: every promise and timer then pays for it, doubling the CPU of an await-heavy loop here
 * (docs/decisions/0007-lean-bundles.md). Only Lambda traces (Powertools turns tracing off where AWS_EXECUTION_ENV is
 * unset), so elsewhere (the local runtime, tests, benches) the SDK is put in manual mode before it loads. Imported by
 * #config/observability ahead of the Tracer, which ES module evaluation order makes run first.
 */

/** `manual` where no Lambda runtime is (tracing off): AWS_XRAY_MANUAL_MODE is set for the SDK about to load. */
export function xrayModeForThisProcess(): 'automatic' | 'manual' {
  if (!process.env.AWS_EXECUTION_ENV) process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
  return process.env.AWS_XRAY_MANUAL_MODE ? 'manual' : 'automatic';
}

export const xrayMode = xrayModeForThisProcess();
