/**
 * The local runtime's environment defaults, imported before anything that loads #config/observability: Powertools'
 * Metrics reads POWERTOOLS_METRICS_DISABLED when it is created (at import), so a default set later would not hold
 * and every request would print its EMF lines, which are for CloudWatch (POWERTOOLS_METRICS_DISABLED=false shows them).
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Node 20 is the local runtime by design (Lambda runs nodejs22.x); the SDK's notice about it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
