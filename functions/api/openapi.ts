import { api } from '#http/api';
import { openApiDocument } from '#http/openapi';
import { getOpenApiOperation } from '#http/operations';
import { json } from '#http/respond';

let document: Record<string, unknown> | undefined;

export const handler = api(getOpenApiOperation(), async () => json(200, (document ??= openApiDocument()), { 'cache-control': 'public, max-age=300' }));
