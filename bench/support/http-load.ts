import http from 'node:http';
import { performance } from 'node:perf_hooks';

// Load generators over keep-alive HTTP on loopback. The open loop sends by the clock (request i at start + i/rate,
// whether or not earlier ones were answered) and measures each latency from the moment the request was due, so a
// slow server cannot hide its queueing by slowing the generator down (no coordinated omission).

export interface LoadRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface Reply {
  status: number;
  body: Buffer;
}

export interface Outcome {
  index: number;
  /** An HTTP status, or 0 when the request failed (connection refused, reset, timed out). */
  status: number;
  /** From the moment the request was due (open loop) or sent (closed loop) to the end of the answer. */
  latencyMs: number;
  /** performance.now() when the answer ended. */
  doneAt: number;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: { maxSockets?: number; timeoutMs?: number } = {}) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 1024 });
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  send(request: LoadRequest): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method: request.method ?? 'POST',
          path: request.path,
          headers: { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) },
          agent: this.agent,
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface OpenLoopOptions {
  client: HttpClient;
  /** Requests per second. */
  rate: number;
  count: number;
  request(index: number): LoadRequest;
  /** Told of each answer as it ends (for the live inbox's clock). */
  onReply?(index: number, reply: Reply | null, at: number): void;
}

export async function openLoop(options: OpenLoopOptions): Promise<{ outcomes: Outcome[]; elapsedMs: number }> {
  const outcomes: Outcome[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now() + 5;
  const interval = 1000 / options.rate;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < options.count && start + next * interval <= now) {
        const index = next++;
        const due = start + index * interval;
        pending.push(
          options.client.send(options.request(index)).then(
            (reply) => {
              const at = performance.now();
              outcomes.push({ index, status: reply.status, latencyMs: at - due, doneAt: at });
              options.onReply?.(index, reply, at);
            },
            () => {
              const at = performance.now();
              outcomes.push({ index, status: 0, latencyMs: at - due, doneAt: at });
              options.onReply?.(index, null, at);
            },
          ),
        );
      }
      if (next >= options.count) return resolve();
      // Wake for the next due request; setTimeout's granularity (about 1 ms) is far below the intervals measured.
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, 5);
  });
  await Promise.all(pending);
  return { outcomes, elapsedMs: performance.now() - start };
}

export interface ClosedLoopOptions {
  client: HttpClient;
  concurrency: number;
  count: number;
  request(index: number): LoadRequest;
}

/** As fast as the server answers, `concurrency` requests in flight: throughput at saturation. */
export async function closedLoop(options: ClosedLoopOptions): Promise<{ outcomes: Outcome[]; elapsedMs: number }> {
  const outcomes: Outcome[] = [];
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.count) {
        const index = next++;
        const sent = performance.now();
        const status = await options.client.send(options.request(index)).then(
          (reply) => reply.status,
          () => 0,
        );
        const at = performance.now();
        outcomes.push({ index, status, latencyMs: at - sent, doneAt: at });
      }
    }),
  );
  return { outcomes, elapsedMs: performance.now() - start };
}
