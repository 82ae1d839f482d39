/** A webhook receiver on 127.0.0.1: records what arrives and answers as told. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export async function startReceiver(answer: (request: Received, count: number) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  // Requests open at once (a hanging answer stays open until the sender gives up), and the most ever.
  const concurrency = { open: 0, max: 0 };
  const server = createServer((req, res) => {
    concurrency.max = Math.max(concurrency.max, ++concurrency.open);
    res.on('close', () => concurrency.open--);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(request);
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      const reply = answer(request, received.length);
      if (reply === 'hang') return;
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? '');
    });
  });
  // TCP connections accepted: fewer than requests when the sender keeps connections alive.
  const connections = { count: 0 };
  server.on('connection', () => connections.count++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    concurrency,
    connections,
    /** Resolves once `count` requests have arrived (or rejects after `timeoutMs`). */
    waitFor(count: number, timeoutMs = 30_000): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} requests arrived`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs` (generous: CI machines are shared). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
