/**
 * The webhooks bench's environment, imported before anything else: Powertools' Logger and Metrics read it when
 * they are created (at import), so set later it would not hold (metrics would print their EMF lines).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'error';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
