import type pg from 'pg';
import type { BenchConfig } from './support/bench-config.js';
import { scaled } from './support/bench-config.js';
import { knownAddress, knownClients, whatsapp } from './support/bench-database.js';
import type { LoadRequest, Outcome } from './support/http-load.js';
import { HttpClient, closedLoop, openLoop } from './support/http-load.js';
import type { MatterlinePair } from './support/matterline-pair.js';
import { waitForDrain } from './support/matterline-pair.js';
import { mean, percentile } from './support/stats.js';
import { clientText, signedWebhook } from './support/whatsapp-payload.js';

// Capture through the real webhook path: WhatsApp Cloud payloads signed with the account's app secret, POSTed on
// loopback to the server process, each one captured (the 200 comes after commit) and then processed by the worker
// process (consent, hours, routing, live push), which is done when its ProcessedJob row exists.

export interface PhaseFigures {
  name: string;
  /** Offered requests per second (open loop), or undefined at saturation (closed loop). */
  offeredRate: number | undefined;
  messages: number;
  errors: number;
  /** 2xx answers per second over the sending time. */
  acceptedPerSecond: number;
  /** Messages captured and processed per second, from the first request to the last ProcessedJob row. */
  processedPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Capture commit to ProcessedJob commit, as PostgreSQL's clock saw them. */
  processingLagP50: number;
  processingLagP99: number;
  processed: number;
}

export interface MemoryFigures {
  serverIdle: number | undefined;
  workerIdle: number | undefined;
  serverLoadMean: number | undefined;
  serverLoadMax: number | undefined;
  workerLoadMean: number | undefined;
  workerLoadMax: number | undefined;
}

export interface CaptureFigures {
  concurrency: number;
  phases: PhaseFigures[];
  memory: MemoryFigures;
  /** Consent requests the worker sent to new numbers through the (fake) Graph API. */
  graphSends: number;
  /** Deadlocks PostgreSQL detected in the database during the measured phases (pg_stat_database.deadlocks). */
  deadlocks: number;
}

const deadlocksOf = async (pool: pg.Pool) =>
  Number((await pool.query<{ deadlocks: string }>(`SELECT deadlocks::text FROM pg_stat_database WHERE datname = current_database()`)).rows[0]?.deadlocks ?? 0);

const account = { accountId: whatsapp.accountId, phoneNumberId: whatsapp.phoneNumberId, appSecret: whatsapp.appSecret };

/**
 * The messages of one phase: mostly known, opted-in clients (one of 1,000), and every 20th from a number never seen
 * before, which the worker answers with a consent request.
 */
export function phaseRequests(
  phaseCode: number,
  count: number,
  options: { senders?: (i: number) => number; freshEvery?: number } = {},
): { requests: LoadRequest[]; providerIds: string[] } {
  const senders = options.senders ?? ((i: number) => (i * 7919 + phaseCode * 31) % knownClients);
  const freshEvery = options.freshEvery ?? 20;
  const requests: LoadRequest[] = [];
  const providerIds: string[] = [];
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i++) {
    const fresh = freshEvery > 0 && i % freshEvery === freshEvery - 1;
    const waId = fresh ? `1557${String(phaseCode).padStart(2, '0')}${String(i).padStart(7, '0')}` : knownAddress(senders(i)).slice(1);
    const id = `wamid.bench.${phaseCode}.${i}`;
    providerIds.push(id);
    requests.push(signedWebhook(account, { waId, name: fresh ? `New Client ${i}` : `Bench Client ${senders(i)}`, id, text: clientText(i), timestamp: now }));
  }
  return { requests, providerIds };
}

async function processedFigures(pool: pg.Pool, providerIds: string[], startedAt: number) {
  const result = await pool.query<{ processed: number; last: Date | null; p50: number | null; p99: number | null }>(
    `SELECT count(p."jobId")::int AS processed, max(p."processedAt") AS last,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p."processedAt" - m."capturedAt") * 1000) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM p."processedAt" - m."capturedAt") * 1000) AS p99
       FROM "Message" m JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id
      WHERE m."accountId" = $1 AND m."providerMessageId" = ANY($2::text[])`,
    [whatsapp.accountId, providerIds],
  );
  const row = result.rows[0]!;
  const seconds = row.last ? (row.last.getTime() - startedAt) / 1000 : Number.NaN;
  return {
    processed: row.processed,
    processedPerSecond: row.processed / seconds,
    processingLagP50: Number(row.p50 ?? Number.NaN),
    processingLagP99: Number(row.p99 ?? Number.NaN),
  };
}

function latencyFigures(outcomes: Outcome[]) {
  const ok = outcomes.filter((outcome) => outcome.status >= 200 && outcome.status < 300);
  const latencies = ok.map((outcome) => outcome.latencyMs);
  return {
    ok: ok.length,
    errors: outcomes.length - ok.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
  };
}

/** A phase's request figures: how many were sent, how many failed, the 2xx rate and latencies. */
function requestFigures(messages: number, latency: ReturnType<typeof latencyFigures>, elapsedMs: number) {
  const { ok, errors, p50, p99, max } = latency;
  return { messages, errors, acceptedPerSecond: ok / (elapsedMs / 1000), p50, p99, max };
}

class MemorySampler {
  private readonly samples: { server: number[]; worker: number[] } = { server: [], worker: [] };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pair: MatterlinePair) {}

  start(): void {
    this.timer = setInterval(() => {
      const server = this.pair.server.memory();
      const worker = this.pair.worker?.memory();
      if (server) this.samples.server.push(server.rss);
      if (worker) this.samples.worker.push(worker.rss);
    }, 250);
  }

  stop() {
    clearInterval(this.timer);
    return {
      serverMean: mean(this.samples.server),
      serverMax: Math.max(...this.samples.server),
      workerMean: mean(this.samples.worker),
      workerMax: Math.max(...this.samples.worker),
    };
  }
}

/**
 * Capture at saturation alone, after a warm-up: `count` webhooks with `concurrency` in flight (closed loop), until the
 * worker has processed them all. The phase code keeps its provider ids apart from other phases'.
 */
export async function runSaturation(options: { config: BenchConfig; pair: MatterlinePair; code: number; count: number; log(line: string): void }): Promise<PhaseFigures> {
  const { config, pair } = options;
  const client = new HttpClient(pair.url);
  try {
    const warm = phaseRequests(options.code + 1, scaled(config, 2000, 300));
    await closedLoop({ client, concurrency: 16, count: warm.requests.length, request: (i) => warm.requests[i]! });
    await waitForDrain(pair.pool);
    const saturation = phaseRequests(options.code, options.count);
    options.log(`capture: ${options.count} messages at saturation (${config.concurrency} in flight)`);
    const startedAt = Date.now();
    const run = await closedLoop({ client, concurrency: config.concurrency, count: options.count, request: (i) => saturation.requests[i]! });
    const latency = latencyFigures(run.outcomes);
    await waitForDrain(pair.pool);
    return {
      name: 'saturation',
      offeredRate: undefined,
      ...requestFigures(options.count, latency, run.elapsedMs),
      ...(await processedFigures(pair.pool, saturation.providerIds, startedAt)),
    };
  } finally {
    client.close();
  }
}

export interface CaptureOptions {
  config: BenchConfig;
  pair: MatterlinePair;
  graphSends(): number;
  log(line: string): void;
}

export async function runCapture(options: CaptureOptions): Promise<CaptureFigures> {
  const { config, pair, log } = options;
  const client = new HttpClient(pair.url);
  const phases: PhaseFigures[] = [];
  const graphBefore = options.graphSends();
  try {
    // Warm-up: JIT, connection pools, prepared plans. Not measured.
    const warm = phaseRequests(1, scaled(config, 2000, 300));
    await closedLoop({ client, concurrency: 16, count: warm.requests.length, request: (i) => warm.requests[i]! });
    await waitForDrain(pair.pool);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idle = { server: pair.server.memory()?.rss, worker: pair.worker?.memory()?.rss };

    const deadlocksBefore = await deadlocksOf(pair.pool);
    let loadMemory: ReturnType<MemorySampler['stop']> | undefined;
    // 20 s at 100 and 500 msg/s; 10 s at 2,000 msg/s, which is past what this machine absorbs (the backlog drains).
    for (const [code, rate, fullSeconds] of [
      [10, 100, 20],
      [11, 500, 20],
      [12, 2000, 10],
    ] as const) {
      const count = rate * scaled(config, fullSeconds, 3);
      const { requests, providerIds } = phaseRequests(code, count);
      log(`capture: ${count} messages offered at ${rate} msg/s`);
      const sampler = rate === 500 ? new MemorySampler(pair) : undefined;
      sampler?.start();
      const startedAt = Date.now();
      const run = await openLoop({ client, rate, count, request: (i) => requests[i]! });
      const latency = latencyFigures(run.outcomes);
      if (sampler) loadMemory = sampler.stop();
      await waitForDrain(pair.pool);
      phases.push({
        name: `${rate} msg/s offered`,
        offeredRate: rate,
        ...requestFigures(count, latency, run.elapsedMs),
        ...(await processedFigures(pair.pool, providerIds, startedAt)),
      });
    }

    phases.push(await runSaturation({ config, pair, code: 20, count: scaled(config, 20_000, 1000), log }));

    return {
      concurrency: config.concurrency,
      phases,
      graphSends: options.graphSends() - graphBefore,
      deadlocks: (await deadlocksOf(pair.pool)) - deadlocksBefore,
      memory: {
        serverIdle: idle.server,
        workerIdle: idle.worker,
        serverLoadMean: loadMemory?.serverMean,
        serverLoadMax: loadMemory?.serverMax,
        workerLoadMean: loadMemory?.workerMean,
        workerLoadMax: loadMemory?.workerMax,
      },
    };
  } finally {
    client.close();
  }
}
