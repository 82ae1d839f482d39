/**
 * Webhook receivers for the bench in a child process of their own: the fast receivers stand for partners'
 * servers, which do not share the dispatcher's event loop (they still share this machine's cores). The parent
 * drives them over IPC: start, wait for a count, and collect what arrived (receipt times, and the change's
 * recording time read from each body, so the parent gets latencies without the bodies crossing over).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startReceiver } from '../test/helpers/receiver.ts';

type Ask = { op: 'start'; count: number; hang?: boolean } | { op: 'waitFor'; index: number; count: number; timeoutMs: number } | { op: 'received'; index: number; from: number } | { op: 'cpu' } | { op: 'close' };
type Request = Ask & { id: number };
interface Reply {
  id: number;
  error?: string;
  urls?: string[];
  /** Per request that arrived: when, and the change's `at` from its body (NaN when it has none). */
  received?: { at: number; changeAt: number }[];
  /** The child's CPU time so far (user + system), in ms. */
  cpuMs?: number;
}

/** A pool of receivers in a child process (their index is the order they were started in, across calls). */
export interface RemoteReceivers {
  start(count: number, options?: { hang?: boolean }): Promise<RemoteReceiver[]>;
  /** The receivers' process's CPU time so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

export interface RemoteReceiver {
  url: string;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** What arrived, from the `from`-th request on. */
  received(from?: number): Promise<{ at: number; changeAt: number }[]>;
}

/** Starts the child; its receivers answer 200 at once, or never (`hang`). */
export function startRemoteReceivers(): RemoteReceivers {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error) waiter?.reject(new Error(reply.error));
    else waiter?.resolve(reply);
  });
  const ask = (request: Ask) =>
    new Promise<Reply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...request, id });
    });
  let started = 0;
  return {
    async start(count, options = {}) {
      const { urls } = await ask({ op: 'start', count, hang: options.hang });
      const first = started;
      started += count;
      return urls!.map((url, i) => ({
        url,
        waitFor: async (n, timeoutMs = 30_000) => void (await ask({ op: 'waitFor', index: first + i, count: n, timeoutMs })),
        received: async (from = 0) => (await ask({ op: 'received', index: first + i, from })).received!,
      }));
    },
    cpuMs: async () => (await ask({ op: 'cpu' })).cpuMs!,
    async close() {
      await ask({ op: 'close' });
      child.disconnect();
    },
  };
}

async function serve(): Promise<void> {
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
  const changeAt = (body: string) => Date.parse((JSON.parse(body) as { data?: { change?: { at?: string } } }).data?.change?.at ?? '');
  const handle = async (request: Request): Promise<Omit<Reply, 'id'>> => {
    switch (request.op) {
      case 'start': {
        const started = await Promise.all(Array.from({ length: request.count }, () => startReceiver(request.hang ? () => 'hang' : undefined)));
        receivers.push(...started);
        return { urls: started.map((receiver) => receiver.url) };
      }
      case 'waitFor':
        await receivers[request.index]!.waitFor(request.count, request.timeoutMs);
        return {};
      case 'received':
        return { received: receivers[request.index]!.received.slice(request.from).map((r) => ({ at: r.at, changeAt: changeAt(r.body) })) };
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        return { cpuMs: (user + system) / 1000 };
      }
      case 'close':
        await Promise.all(receivers.map((receiver) => receiver.close()));
        return {};
    }
  };
  process.on('message', (request: Request) => {
    handle(request).then(
      (reply) => process.send!({ ...reply, id: request.id }),
      (error: unknown) => process.send!({ id: request.id, error: String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--child')) void serve();
