/** The local runtime on a free port with an in-memory dynalite, and a small client for its API. */
import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { documentClient, tableNames } from '#config/env';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A refusal as the brief defines it: problem+json naming the field with a stable code. */
export function expectRefusal(reply: Reply, status: number, field: string, code: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(reply.body.errors).toContainEqual({ field, code, message: expect.any(String) });
}

export async function startTestRuntime(options: { storePath?: string; scheduleIntervalMs?: number; streamLagMs?: number } = {}) {
  const adminKey = `test-admin-${randomBytes(16).toString('hex')}`;
  const logs: Record<string, unknown>[] = [];
  const runtime: Runtime = await startRuntime({
    adminApiKey: adminKey,
    storePath: options.storePath,
    scheduleIntervalMs: options.scheduleIntervalMs,
    ...(options.streamLagMs === undefined ? {} : { streamLagMs: options.streamLagMs }),
    log: (line) => logs.push(line),
  });

  async function call(method: string, path: string, init: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
    const key = init.key === undefined ? adminKey : init.key;
    const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...init.headers,
      },
      body,
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, text, body: /json/.test(type) && text ? JSON.parse(text) : text };
  }

  /** How many commits the journal holds: "records nothing" is checked against it. */
  async function journalSize(): Promise<number> {
    const page = await documentClient().send(new ScanCommand({ TableName: tableNames().journal, Select: 'COUNT', ConsistentRead: true }));
    return page.Count ?? 0;
  }

  return { runtime, adminKey, call, journalSize, logs, close: () => runtime.close() };
}
