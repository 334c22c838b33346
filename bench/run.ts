import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { CaptureFigures } from './capture.js';
import { runCapture, runSaturation } from './capture.js';
import type { HistoryFigures } from './history.js';
import { runHistory } from './history.js';
import type { HttpFloorFigures } from './http-floor.js';
import { runHttpFloor } from './http-floor.js';
import type { LiveFigures } from './live.js';
import { runLive } from './live.js';
import type { ProfileFigures } from './profile.js';
import { runProfile } from './profile.js';
import type { RawInsertFigures } from './raw-insert.js';
import { runRawInsert } from './raw-insert.js';
import type { SearchFigures } from './search.js';
import { generateMessages, runSearch } from './search.js';
import { loadBenchConfig, scaled } from './support/bench-config.js';
import { BenchDatabases } from './support/bench-database.js';
import { startFakeGraph } from './support/fake-graph.js';
import type { MatterlinePair } from './support/matterline-pair.js';
import { signIn, startPair } from './support/matterline-pair.js';
import type { Row } from './support/stats.js';
import { count, mib, ms, perSecond, renderTable } from './support/stats.js';

// `npm run bench`: every figure of issue 8 in one run, printed as one table, then where the time goes. Sizes scale
// with BENCH_SCALE (0.05 while developing); BENCH_SECTIONS picks sections (raw,http,capture,live,history,search,profile).

const config = loadBenchConfig(process.env);
const runId = randomBytes(3).toString('hex');
const prefix = `bench_${runId}`;
const logDir = mkdtempSync(path.join(os.tmpdir(), `matterline-bench-${runId}-`));
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The server process's PostgreSQL pool (start-matterline.ts): the raw INSERT test uses as many connections. */
const serverPoolSize = 20;

async function removeQueueKeys(): Promise<void> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bull:${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function captureRows(capture: CaptureFigures, raw: RawInsertFigures | undefined): Row[] {
  const rows: Row[] = [];
  for (const phase of capture.phases) {
    if (phase.offeredRate === undefined) {
      rows.push({ section: 'Capture', measure: `saturation (${capture.concurrency} in flight): accepted, 2xx`, value: perSecond(phase.acceptedPerSecond) });
      rows.push({
        section: 'Capture',
        measure: 'saturation: captured and processed',
        value: perSecond(phase.processedPerSecond),
        target: '>= 2,000 msg/s',
        met: phase.processedPerSecond >= 2000,
      });
      if (raw) {
        const ratio = phase.processedPerSecond / raw.perSecond;
        rows.push({ section: 'Capture', measure: 'captured and processed / raw INSERT rate', value: `${(ratio * 100).toFixed(1)} %`, target: '>= 20 %', met: ratio >= 0.2 });
      }
      continue;
    }
    rows.push({
      section: 'Capture',
      measure: `${phase.offeredRate} msg/s offered: request -> 2xx p50 / p99`,
      value: `${ms(phase.p50)} / ${ms(phase.p99)}${phase.errors ? ` (${count(phase.errors)} failed)` : ''}`,
      ...(phase.offeredRate === 500 ? { target: 'p99 < 50 ms', met: phase.p99 < 50 } : {}),
    });
    rows.push({
      section: 'Capture',
      measure: `${phase.offeredRate} msg/s offered: 2xx rate; capture -> processed p50 / p99`,
      value: `${perSecond(phase.acceptedPerSecond)}; ${ms(phase.processingLagP50)} / ${ms(phase.processingLagP99)}`,
    });
  }
  rows.push({ section: 'Capture', measure: 'deadlocks PostgreSQL detected (all phases)', value: count(capture.deadlocks), target: 'none', met: capture.deadlocks === 0 });
  const memory = capture.memory;
  rows.push({ section: 'Memory', measure: 'server RSS: idle / 500 msg/s mean, max', value: `${mib(memory.serverIdle)} / ${mib(memory.serverLoadMean)}, ${mib(memory.serverLoadMax)}` });
  rows.push({ section: 'Memory', measure: 'worker RSS: idle / 500 msg/s mean, max', value: `${mib(memory.workerIdle)} / ${mib(memory.workerLoadMean)}, ${mib(memory.workerLoadMax)}` });
  return rows;
}

function profileReport(profile: ProfileFigures): string {
  const lines = [
    `Where the time goes: ${count(profile.messages)} messages at saturation in ${(profile.elapsedMs / 1000).toFixed(1)} s, server and worker under --cpu-prof`,
    `CPU per message: server ${profile.cpuPerMessage.server.toFixed(2)} ms, worker ${profile.cpuPerMessage.worker.toFixed(2)} ms, ` +
      `PostgreSQL backends ${profile.cpuPerMessage.postgres.toFixed(2)} ms, load generator ${profile.cpuPerMessage.loadGenerator.toFixed(2)} ms; ` +
      `${profile.commitsPerMessage.toFixed(2)} PostgreSQL transactions per message; ` +
      `${profile.messagesPerCaptureCommit.toFixed(1)} messages per capture commit, ${profile.messagesPerProcessingCommit.toFixed(1)} per processing commit`,
    `user / system CPU per message: server ${profile.systemShare.server.user.toFixed(2)} / ${profile.systemShare.server.system.toFixed(2)} ms, ` +
      `worker ${profile.systemShare.worker.user.toFixed(2)} / ${profile.systemShare.worker.system.toFixed(2)} ms`,
    `PostgreSQL active sessions were: ${profile.postgresActivity.map((item) => `${item.what} ${(item.share * 100).toFixed(0)} %`).join(', ')}`,
  ];
  for (const [name, summary] of [
    ['server', profile.server],
    ['worker', profile.worker],
  ] as const) {
    lines.push('', `${name}: ${(summary.busyMs / 1000).toFixed(1)} s busy; self time by package:`);
    for (const item of summary.packages) lines.push(`  ${(item.share * 100).toFixed(1).padStart(5)} %  ${item.name}`);
    lines.push(`${name}: top functions by self time:`);
    for (const item of summary.functions) lines.push(`  ${(item.share * 100).toFixed(1).padStart(5)} %  ${item.name}`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const started = new Date();
  const loadAtStart = os.loadavg();
  const databases = new BenchDatabases(config.serverUrl, runId, config.keepDatabases);
  const graph = await startFakeGraph();
  const rows: Row[] = [];
  const figures: Record<string, unknown> = {};
  let pair: MatterlinePair | undefined;
  const has = (section: Parameters<typeof config.sections.has>[0]) => config.sections.has(section);
  const failures: string[] = [];
  let fullReport = '';
  /** Runs one section; a section that fails is reported in the table and the run goes on with the next. */
  const attempt = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      failures.push(name);
      rows.push({ section: name, measure: 'failed', value: message.split('\n')[0]!.slice(0, 120) });
    } finally {
      await pair?.stop().catch(() => undefined);
      pair = undefined;
    }
  };
  try {
    const server = await databases.describeServer();
    figures.postgres = server;
    log(`template database: migrations, the demo firm, a WhatsApp Cloud account, 1,000 known clients (scale ${config.scale})`);
    await databases.createTemplate(graph.baseUrl);

    let raw: RawInsertFigures | undefined;
    let capture: CaptureFigures | undefined;
    let profile: ProfileFigures | undefined;
    if (has('raw') || has('http') || has('capture') || has('live') || has('profile')) {
      const database = await databases.clone('capture');
      await attempt('Capture', async () => {
        if (has('raw')) {
          log(`raw INSERT rate, ${serverPoolSize} connections`);
          raw = await runRawInsert({ databaseUrl: database.url, connections: serverPoolSize, seconds: scaled(config, 15, 3) });
          figures.raw = raw;
          rows.push({ section: 'PostgreSQL', measure: `raw single-row INSERT commits, ${raw.connections} connections`, value: perSecond(raw.perSecond) });
        }
        if (has('http')) {
          log('HTTP floor: webhooks answered with nothing captured');
          const floor: HttpFloorFigures = await runHttpFloor({ config });
          figures.httpFloor = floor;
          rows.push({
            section: 'HTTP floor',
            measure: `signature check + JSON.parse + 200, nothing stored (${config.concurrency} in flight)`,
            value: `${perSecond(floor.perSecond)}; CPU/request: server ${floor.serverCpuMs.toFixed(2)} ms, load generator ${floor.generatorCpuMs.toFixed(2)} ms`,
          });
        }
        if (has('capture') || has('live')) {
          pair = await startPair({ databaseUrl: database.url, redisUrl: config.redisUrl, prefix, logDir, logLevel: config.logLevel, label: 'capture' });
          if (has('capture')) {
            capture = await runCapture({ config, pair, graphSends: () => graph.sends, log });
            figures.capture = capture;
            rows.push(...captureRows(capture, raw));
          }
          if (has('live')) {
            const live: LiveFigures = await runLive({ config, pair, log });
            figures.live = live;
            rows.push({
              section: 'Live inbox',
              measure: `${live.rate} msg/s: 2xx -> SSE event p50 / p99 (${count(live.received)} of ${count(live.messages)} seen)`,
              value: `${ms(live.p50)} / ${ms(live.p99)}`,
              target: 'p99 < 250 ms',
              met: live.p99 < 250 && live.received === live.messages,
            });
          }
        }
      });
      const missed = rows.some((row) => row.section === 'Capture' && row.met === false);
      if (has('profile') && (config.profile === 'on' || (config.profile === 'auto' && (missed || !capture)))) {
        await attempt('Profile', async () => {
          profile = await runProfile({ config, databaseUrl: database.url, database: database.name, redisUrl: config.redisUrl, prefix, logDir, log });
          figures.profile = profile;
        });
      }
      await databases.drop(database.name);
    }

    if (has('history')) {
      const database = await databases.clone('history');
      await attempt('History sync', async () => {
        const total = scaled(config, 50_000, 2000);
        log(`history sync: ${count(total)} messages`);
        const history: HistoryFigures = await runHistory({ databaseUrl: database.url, redisUrl: config.redisUrl, prefix: `${prefix}h`, count: total });
        figures.history = history;
        rows.push({
          section: 'History sync',
          measure: `${count(history.stored)} messages, batches of ${history.batchSize} over ${history.chats} chats: time, rate`,
          value: `${(history.elapsedMs / 1000).toFixed(1)} s, ${perSecond(history.perSecond)}`,
          target: '>= 5,000 msg/s',
          met: history.perSecond >= 5000,
        });
        rows.push({ section: 'History sync', measure: 'peak RSS of the capturing process', value: mib(history.peakRss) });
      });
      await databases.drop(database.name);
    }

    if (has('full')) {
      // Capture that does not slow as the record grows: saturation on an empty record and on one that already holds a
      // million messages (the search section's generator), each on a clone of the same template, same load.
      const rates: Record<'empty' | 'full', number> = { empty: 0, full: 0 };
      const activity: Record<'empty' | 'full', string[]> = { empty: [], full: [] };
      const total = scaled(config, 1_000_000, 20_000);
      for (const which of ['empty', 'full'] as const) {
        const database = await databases.clone(`full_${which}`);
        await attempt('Full record', async () => {
          if (which === 'full') {
            log(`full record: generating ${count(total)} messages`);
            await generateMessages({ databaseUrl: database.url, count: total, log });
          }
          pair = await startPair({ databaseUrl: database.url, redisUrl: config.redisUrl, prefix: `${prefix}f${which[0]}`, logDir, logLevel: config.logLevel, label: `full-${which}` });
          // What PostgreSQL's active sessions run, sampled: the statements that grow with the record show here.
          const seen = new Map<string, number>();
          let samples = 0;
          const activePool = pair.pool;
          const sampler = setInterval(() => {
            activePool
              .query<{ what: string }>(
                `SELECT COALESCE(wait_event_type || ':' || wait_event, 'CPU') || ' | ' || regexp_replace(left(query, 110), '[[:space:]]+', ' ', 'g') AS what
                   FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
                [database.name],
              )
              .then((found) => {
                samples++;
                for (const row of found.rows) seen.set(row.what, (seen.get(row.what) ?? 0) + 1);
              })
              .catch(() => undefined);
          }, 100);
          const phase = await runSaturation({ config, pair, code: which === 'empty' ? 30 : 32, count: scaled(config, 20_000, 1000), log }).finally(() => clearInterval(sampler));
          rates[which] = phase.processedPerSecond;
          activity[which] = [...seen.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([what, n]) => `${(n / Math.max(samples, 1)).toFixed(2)} sessions  ${what}`);
        });
        await databases.drop(database.name);
      }
      figures.fullRecord = { messages: total, ...rates, activity };
      fullReport = ['empty', 'full'].flatMap((which) => [`PostgreSQL's active statements at saturation, ${which} record (mean sessions, wait, statement):`, ...activity[which as 'empty' | 'full'].map((line) => `  ${line}`)]).join('\n');
      rows.push({ section: 'Full record', measure: 'saturation, captured and processed: empty record / record of ' + count(total) + ' messages', value: `${perSecond(rates.empty)} / ${perSecond(rates.full)}` });
      const ratio = rates.empty > 0 ? rates.full / rates.empty : 0;
      rows.push({ section: 'Full record', measure: 'full / empty', value: `${(ratio * 100).toFixed(0)} %`, target: '>= 80 %', met: ratio >= 0.8 });
    }

    if (has('search')) {
      const database = await databases.clone('search');
      await attempt('Search', async () => {
        const total = scaled(config, 1_000_000, 20_000);
        log(`search: generating ${count(total)} messages`);
        const generateMs = await generateMessages({ databaseUrl: database.url, count: total, log });
        pair = await startPair({ databaseUrl: database.url, redisUrl: config.redisUrl, prefix: `${prefix}s`, logDir, logLevel: config.logLevel, label: 'search', serverOnly: true });
        const probe = await fetch(`${pair.url}/api/search?q=probe`, { headers: { cookie: (await signIn(pair.url, 'supervisor@demo.test')).cookie } });
        if (probe.status === 404) {
          rows.push({ section: 'Search', measure: 'GET /api/search', value: 'not available' });
        } else {
          const search: SearchFigures = await runSearch({ config, pair, databaseUrl: database.url, messages: total, generateMs, log });
          figures.search = search;
          rows.push({
            section: 'Search',
            measure: `${search.queries} queries over ${count(search.messages)} messages, API p50 / p95`,
            value: `${ms(search.app.p50)} / ${ms(search.app.p95)}`,
            target: 'p95 < 50 ms',
            met: search.app.p95 < 50,
          });
          rows.push({ section: 'Search', measure: 'API p95 as supervisor / as lawyer', value: `${ms(search.app.supervisorP95)} / ${ms(search.app.lawyerP95)}` });
          rows.push({ section: 'Search', measure: 'the same queries as raw SQL, p50 / p95', value: `${ms(search.raw.p50)} / ${ms(search.raw.p95)}` });
          const part = (name: keyof SearchFigures['parts']) => `${ms(search.parts[name].p50)} / ${ms(search.parts[name].p95)}`;
          rows.push({ section: 'Search', measure: 'parts p50 / p95: message query; contact query; audit', value: `${part('messages')}; ${part('contacts')}; ${part('audit')}` });
          rows.push({ section: 'Search', measure: 'the two queries with JIT off, p50 / p95', value: `${part('messagesNoJit')}; ${part('contactsNoJit')}` });
        }
      });
      await databases.drop(database.name);
    }

    const out = process.stdout;
    out.write(`\nMatterline benchmark, ${started.toISOString()} (run ${runId}, BENCH_SCALE=${config.scale})\n`);
    out.write(`${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${server.version}`);
    out.write(` (${Object.entries(server.settings).map(([name, value]) => `${name}=${value}`).join(', ')})\n`);
    out.write(`load average at start ${loadAtStart.map((value) => value.toFixed(2)).join(' ')}, at end ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}\n\n`);
    out.write(`${renderTable(rows)}\n`);
    const search = figures.search as SearchFigures | undefined;
    if (search) {
      out.write(`\nSlowest searches (API / raw SQL):\n`);
      for (const item of search.slowest) out.write(`  ${ms(item.ms).padStart(8)} / ${ms(item.rawMs).padStart(8)}  ${item.query}, ${item.hits} hits\n`);
    }
    if (profile) out.write(`\n${profileReport(profile)}\n`);
    if (fullReport) out.write(`\n${fullReport}\n`);
    if (config.out) {
      writeFileSync(config.out, `${JSON.stringify({ runId, started, scale: config.scale, loadAtStart, loadAtEnd: os.loadavg(), figures, failures }, null, 2)}\n`);
    }
    return failures.length > 0 ? 1 : 0;
  } finally {
    await pair?.stop().catch(() => undefined);
    await graph.stop();
    await databases.dropAll();
    await removeQueueKeys().catch(() => undefined);
    if (config.keepLogs) log(`logs kept in ${logDir}`);
    if (config.keepDatabases) log(`databases kept: ml_bench_${runId}_* (drop them by hand)`);
    else rmSync(logDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
