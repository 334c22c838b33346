import type { RequestHandler } from 'express';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueBackend } from '../../jobs/queue-backend.js';
import { queueNames } from './queue-names.js';

// Prometheus metrics, clean under `promtool check metrics`. What the record and the queues say (messages, outbox,
// bridges, queue depths) is read at scrape time from PostgreSQL and the queue backend, so it is the same whichever
// process is scraped and covers the workers of every process; it is recomputed at most every `cacheMs`. Latencies
// are histograms: the record's (send, processing) counted by the process scraped from its start, each message once;
// HTTP latencies are this process's own requests.

const accountStates = ['linking', 'connecting', 'connected', 'disconnected', 'logged_out', 'banned', 'rate_limited', 'paused', 'needs_attention'];
const jobStates = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
/** Latency buckets from milliseconds to minutes (a send through a slow provider, a worker catching up). */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** A message is counted once it is this old: by then its send or processing has settled, or is counted as stuck. */
const settleMs = 2 * 60_000;
/** What a new process counts first: the messages of the last quarter hour. */
const firstWindowMs = 15 * 60_000;

interface Snapshot {
  messages: { channel: string; direction: string; captured: number; sent: number; failed: number }[];
  outbox: { jobName: string; pending: number; due: number; failed: number; oldest: number }[];
  /** Latencies of the messages that settled since the last snapshot (each message counted once per process). */
  sendLatency: number[];
  inboundLatency: number[];
  accounts: { id: string; kind: string; state: string; paused: boolean }[];
  webhooks: { state: string; n: number }[];
  queues: { queue: string; counts: Record<string, number> }[];
}

async function takeSnapshot(pool: pg.Pool, backend: QueueBackend, window: { from: Date; to: Date }): Promise<Snapshot> {
  const [messages, outbox, sendLatency, inboundLatency, accounts, webhooks] = await Promise.all([
    pool.query<Snapshot['messages'][number]>(
      `SELECT a.kind::text AS channel, m.direction::text AS direction, count(*)::float8 AS captured,
              count(*) FILTER (WHERE m.direction = 'outbound' AND m."sentAt" IS NOT NULL)::float8 AS sent,
              count(*) FILTER (WHERE m.status = 'failed')::float8 AS failed
         FROM "Message" m JOIN "ChannelAccount" a ON a.id = m."accountId" GROUP BY 1, 2`,
    ),
    pool.query<Snapshot['outbox'][number]>(
      `SELECT "jobName", count(*) FILTER (WHERE status = 'pending')::float8 AS pending,
              count(*) FILTER (WHERE status = 'pending' AND "runAfter" <= now())::float8 AS due,
              count(*) FILTER (WHERE status = 'failed')::float8 AS failed,
              COALESCE(extract(epoch FROM now() - min("runAfter") FILTER (WHERE status = 'pending' AND "runAfter" <= now())), 0)::float8 AS oldest
         FROM "Outbox" WHERE status IN ('pending', 'failed') GROUP BY 1`,
    ),
    // The messages captured in the window, firm by firm along the (firmId, capturedAt) index: capture to the
    // provider's acceptance for sends that were not held, and capture to the end of processing for clients' messages.
    pool.query<{ seconds: number }>(
      `SELECT extract(epoch FROM m."sentAt" - m."capturedAt")::float8 AS seconds
         FROM "Firm" f CROSS JOIN LATERAL (
           SELECT "sentAt", "capturedAt" FROM "Message"
            WHERE "firmId" = f.id AND "capturedAt" >= $1 AND "capturedAt" < $2
              AND direction = 'outbound' AND "sentAt" IS NOT NULL AND "scheduledFor" IS NULL) m`,
      [window.from, window.to],
    ),
    pool.query<{ seconds: number }>(
      `SELECT extract(epoch FROM p."processedAt" - m."capturedAt")::float8 AS seconds
         FROM "Firm" f CROSS JOIN LATERAL (
           SELECT id, "capturedAt" FROM "Message"
            WHERE "firmId" = f.id AND "capturedAt" >= $1 AND "capturedAt" < $2 AND direction = 'inbound' AND NOT backfilled) m
         JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id`,
      [window.from, window.to],
    ),
    pool.query<Snapshot['accounts'][number]>(`SELECT id, kind::text AS kind, state::text AS state, paused FROM "ChannelAccount" WHERE "removedAt" IS NULL`),
    pool.query<Snapshot['webhooks'][number]>(`SELECT state, count(*)::float8 AS n FROM "WebhookDelivery" GROUP BY state`),
  ]);
  const queues = await Promise.all(
    (await queueNames(pool)).map(async (queue) => ({
      queue,
      counts: await backend
        .queue(queue)
        .getJobCounts(...jobStates)
        .catch(() => ({}) as Record<string, number>),
    })),
  );
  return {
    messages: messages.rows,
    outbox: outbox.rows,
    sendLatency: sendLatency.rows.map((row) => Math.max(0, row.seconds)),
    inboundLatency: inboundLatency.rows.map((row) => Math.max(0, row.seconds)),
    accounts: accounts.rows,
    webhooks: webhooks.rows,
    queues,
  };
}

/**
 * prom-client's default process and Node.js metrics, less the three it names `_total` although they are gauges
 * (promtool refuses them): the active resources are given instead by type, as a gauge.
 */
function defaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, prefix: 'matterline_' });
  for (const misnamed of ['matterline_nodejs_active_handles_total', 'matterline_nodejs_active_requests_total', 'matterline_nodejs_active_resources_total']) {
    registry.removeSingleMetric(misnamed);
  }
  registry.removeSingleMetric('matterline_nodejs_active_handles');
  registry.removeSingleMetric('matterline_nodejs_active_requests');
  registry.removeSingleMetric('matterline_nodejs_active_resources');
  new Gauge({
    name: 'matterline_nodejs_active_resources',
    help: 'Resources keeping the event loop alive, by type (process.getActiveResourcesInfo)',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
      for (const [type, count] of counts) this.set({ type }, count);
    },
  });
}

export interface MatterlineMetrics {
  registry: Registry;
  /** Times each request this process answers; mounted before the routes it measures. */
  httpMetrics: RequestHandler;
}

export function createMetrics(options: { pool: pg.Pool; backend: QueueBackend; cacheMs?: number }): MatterlineMetrics {
  const registry = new Registry();
  defaultMetrics(registry);
  const cacheMs = options.cacheMs ?? 10_000;
  let cached: { at: number; snapshot: Promise<Snapshot> } | undefined;
  // Messages captured before this were counted in the latency histograms already (by this process).
  let counted = new Date(Date.now() - settleMs - firstWindowMs);
  const snapshot = () => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const window = { from: counted, to: new Date(Date.now() - settleMs) };
      const taken = takeSnapshot(options.pool, options.backend, window);
      cached = { at: Date.now(), snapshot: taken };
      // A failed read is not kept, and its window is read again by the next scrape.
      taken.then(
        () => (counted = window.to),
        () => (cached = undefined),
      );
    }
    return cached.snapshot;
  };
  const registers = [registry];

  new Counter({
    name: 'matterline_messages_captured_total',
    help: 'Messages in the record, by channel and direction',
    labelNames: ['channel', 'direction'],
    registers,
    async collect() {
      this.reset();
      for (const row of (await snapshot()).messages) this.inc({ channel: row.channel, direction: row.direction }, row.captured);
    },
  });
  new Counter({
    name: 'matterline_messages_sent_total',
    help: 'Outbound messages the provider accepted, by channel',
    labelNames: ['channel'],
    registers,
    async collect() {
      this.reset();
      for (const row of (await snapshot()).messages) if (row.direction === 'outbound') this.inc({ channel: row.channel }, row.sent);
    },
  });
  new Counter({
    name: 'matterline_messages_failed_total',
    help: 'Messages that failed, by channel',
    labelNames: ['channel'],
    registers,
    async collect() {
      this.reset();
      for (const row of (await snapshot()).messages) if (row.failed > 0) this.inc({ channel: row.channel }, row.failed);
    },
  });
  new Gauge({
    name: 'matterline_queue_jobs',
    help: 'Jobs in each BullMQ queue, by state',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const { queue, counts } of (await snapshot()).queues) {
        for (const state of jobStates) this.set({ queue, state }, counts[state] ?? 0);
      }
    },
  });
  const outboxGauge = (name: string, help: string, pick: (row: Snapshot['outbox'][number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['job'],
      registers,
      async collect() {
        this.reset();
        for (const row of (await snapshot()).outbox) this.set({ job: row.jobName }, pick(row));
      },
    });
  outboxGauge('matterline_outbox_pending_jobs', 'Outbox rows still to do (due or waiting for their time), by job', (row) => row.pending);
  outboxGauge('matterline_outbox_due_jobs', 'Outbox rows due and not done, by job', (row) => row.due);
  outboxGauge('matterline_outbox_failed_jobs', 'Outbox rows given up on (a person must look), by job', (row) => row.failed);
  outboxGauge('matterline_outbox_oldest_due_age_seconds', 'How long the oldest due outbox row has waited, by job', (row) => row.oldest);
  // Latencies as histograms: each message is counted once, when it is two minutes old (settled), by the process
  // scraped; the counts run from the process's start, as Prometheus expects of a histogram.
  const latencyHistogram = (name: string, help: string, pick: (s: Snapshot) => number[]) => {
    let observed: Snapshot | undefined;
    return new Histogram({
      name,
      help,
      buckets: latencyBuckets,
      registers,
      async collect() {
        const current = await snapshot();
        if (current === observed) return;
        observed = current;
        for (const seconds of pick(current)) this.observe(seconds);
      },
    });
  };
  latencyHistogram('matterline_send_latency_seconds', 'Capture to provider acceptance of sends (held sends excluded), counted two minutes after capture', (s) => s.sendLatency);
  latencyHistogram('matterline_inbound_processing_latency_seconds', 'Capture to end of processing of client messages, counted two minutes after capture', (s) => s.inboundLatency);
  new Gauge({
    name: 'matterline_bridge_state',
    help: 'Each channel account state: 1 for the current one',
    labelNames: ['account_id', 'channel', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const account of (await snapshot()).accounts) {
        const current = account.paused ? 'paused' : account.state;
        for (const state of accountStates) this.set({ account_id: account.id, channel: account.kind, state }, state === current ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'matterline_webhook_deliveries',
    help: 'Outbound webhook deliveries, by state',
    labelNames: ['state'],
    registers,
    async collect() {
      this.reset();
      for (const row of (await snapshot()).webhooks) this.set({ state: row.state }, row.n);
    },
  });

  const requestDuration = new Histogram({
    name: 'matterline_http_request_duration_seconds',
    help: 'HTTP requests this process answered, by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const httpMetrics: RequestHandler = (req, res, next) => {
    const stop = requestDuration.startTimer();
    res.once('finish', () => {
      // The route pattern, never the path: ids and phone numbers stay out of the labels.
      const route = (req.route as { path?: string } | undefined)?.path;
      stop({ method: req.method, route: route ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) });
    });
    next();
  };
  return { registry, httpMetrics };
}
