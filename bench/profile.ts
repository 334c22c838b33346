import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { phaseRequests } from './capture.js';
import type { BenchConfig } from './support/bench-config.js';
import { scaled } from './support/bench-config.js';
import type { ProfileSummary } from './support/cpu-profile.js';
import { summariseProfile } from './support/cpu-profile.js';
import { CpuMeter, backendPids, cpuMs, cpuSplitMs } from './support/cpu-time.js';
import { HttpClient, closedLoop } from './support/http-load.js';
import { startPair, waitForDrain } from './support/matterline-pair.js';

// Where the time goes at saturation: the server and the worker run under `node --cpu-prof` through a closed-loop
// burst; their profiles are summed by self time; PostgreSQL's side is seen as its backends' CPU time and what its
// active sessions were waiting on (pg_stat_activity, sampled; pg_stat_statements is not loaded on this server).

export interface ProfileFigures {
  messages: number;
  elapsedMs: number;
  /** CPU milliseconds per message, by part. */
  cpuPerMessage: { server: number; worker: number; postgres: number; loadGenerator: number };
  /** Transactions PostgreSQL committed per message (pg_stat_database), every process and job included. */
  commitsPerMessage: number;
  /** The same CPU split into user and system (kernel) time, ms per message. */
  systemShare: Record<'server' | 'worker', { user: number; system: number }>;
  /** Messages stored per capture commit (group commit), from the rows' transaction ids; and the same for processing. */
  messagesPerCaptureCommit: number;
  messagesPerProcessingCommit: number;
  /** Share of sampled active PostgreSQL sessions by what they were doing (CPU or a wait event). */
  postgresActivity: { what: string; share: number }[];
  server: ProfileSummary;
  worker: ProfileSummary;
}

export interface ProfileOptions {
  config: BenchConfig;
  databaseUrl: string;
  database: string;
  redisUrl: string;
  prefix: string;
  logDir: string;
  log(line: string): void;
}

/** The busiest of a process's thread profiles: its main thread (the others load modules or sit idle). */
function mainThreadSummary(dir: string, lastMs: number): ProfileSummary {
  const summaries = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => summariseProfile(path.join(dir, name), 12, lastMs));
  const busiest = summaries.sort((a, b) => b.busyMs - a.busyMs)[0];
  if (!busiest) throw new Error(`no CPU profile in ${dir}`);
  return busiest;
}

export async function runProfile(options: ProfileOptions): Promise<ProfileFigures> {
  const { config } = options;
  const profDir = path.join(options.logDir, 'profiles');
  mkdirSync(profDir, { recursive: true });
  const pair = await startPair({
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    prefix: options.prefix,
    logDir: options.logDir,
    logLevel: config.logLevel,
    label: 'profile',
    cpuProfDir: profDir,
  });
  const client = new HttpClient(pair.url);
  let stopped = false;
  try {
    const warm = phaseRequests(30, scaled(config, 1000, 200));
    await closedLoop({ client, concurrency: 16, count: warm.requests.length, request: (i) => warm.requests[i]! });
    await waitForDrain(pair.pool);

    const count = scaled(config, 10_000, 1000);
    const burst = phaseRequests(31, count);
    options.log(`profile: ${count} messages at saturation under --cpu-prof`);
    const commits = async () =>
      Number((await pair.pool.query<{ n: string }>(`SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1`, [options.database])).rows[0]!.n);
    const commitsBefore = await commits();
    const pids = await backendPids(pair.pool, options.database);
    const postgres = new CpuMeter(() => pids);
    const serverStart = cpuMs(pair.server.pid);
    const serverSplitStart = cpuSplitMs(pair.server.pid);
    const workerSplitStart = cpuSplitMs(pair.worker!.pid);
    const workerStart = cpuMs(pair.worker!.pid);
    const generatorStart = process.cpuUsage();
    const activity = new Map<string, number>();
    let samples = 0;
    const sampler = setInterval(() => {
      pair.pool
        .query<{ what: string; n: number }>(
          `SELECT COALESCE(wait_event_type || ':' || wait_event, 'CPU') AS what, count(*)::int AS n
             FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
          [options.database],
        )
        .then((rows) => {
          samples++;
          for (const row of rows.rows) activity.set(row.what, (activity.get(row.what) ?? 0) + row.n);
        })
        .catch(() => undefined);
    }, 100);
    const started = Date.now();
    await closedLoop({ client, concurrency: config.concurrency, count, request: (i) => burst.requests[i]! });
    await waitForDrain(pair.pool);
    const elapsedMs = Date.now() - started;
    clearInterval(sampler);
    // The statistics reach pg_stat_database within a second of each transaction's end.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const commitsPerMessage = (await commits()) - commitsBefore;
    // Rows written by one transaction share its xmin: messages per capture commit and per processing commit.
    const grouping = await pair.pool.query<{ capture: number; processing: number }>(
      `SELECT (count(*)::float8 / greatest(count(DISTINCT m.xmin::text), 1)) AS capture,
              (count(*)::float8 / greatest(count(DISTINCT p.xmin::text), 1)) AS processing
         FROM "Message" m JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id
        WHERE m.direction = 'inbound' AND m."providerMessageId" = ANY($1)`,
      [burst.providerIds],
    );
    const generator = process.cpuUsage(generatorStart);
    const split = (pid: number, start: { user: number; system: number }) => {
      const now = cpuSplitMs(pid);
      return { user: (now.user - start.user) / count, system: (now.system - start.system) / count };
    };
    const systemShare = { server: split(pair.server.pid, serverSplitStart), worker: split(pair.worker!.pid, workerSplitStart) };
    const cpuPerMessage = {
      server: (cpuMs(pair.server.pid) - serverStart) / count,
      worker: (cpuMs(pair.worker!.pid) - workerStart) / count,
      postgres: postgres.spent() / count,
      loadGenerator: (generator.user + generator.system) / 1000 / count,
    };
    const total = [...activity.values()].reduce((sum, n) => sum + n, 0);
    const postgresActivity = [...activity]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([what, n]) => ({ what, share: total ? n / total : 0 }));
    options.log(`profile: ${samples} samples of pg_stat_activity; stopping the profiled processes`);
    const stopStarted = Date.now();
    await pair.stop();
    // Only the load and the stop that follows it: start-up and warm-up are not what a message costs.
    const window = elapsedMs + (Date.now() - stopStarted);
    stopped = true;
    return {
      messages: count,
      elapsedMs,
      commitsPerMessage: commitsPerMessage / count,
      systemShare,
      messagesPerCaptureCommit: grouping.rows[0]?.capture ?? 0,
      messagesPerProcessingCommit: grouping.rows[0]?.processing ?? 0,
      cpuPerMessage,
      postgresActivity,
      server: mainThreadSummary(path.join(profDir, 'profile-server'), window),
      worker: mainThreadSummary(path.join(profDir, 'profile-worker'), window),
    };
  } finally {
    client.close();
    if (!stopped) await pair.stop();
  }
}
