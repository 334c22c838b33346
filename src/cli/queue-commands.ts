import { Command } from 'commander';
import { queuePrefixFor } from '../config.js';
import type { CliContext } from '../cli.js';
import type { QueueBackendKind } from '../jobs/queue-backend.js';
import { createQueueBackend, redisAnswers } from '../jobs/queue-backend.js';
import { queueNames } from '../http/ops/queue-names.js';

const localRedis = 'redis://127.0.0.1:6379';
const states = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/** `matterline queues stats`: every queue's jobs by state, and what the outbox still has to do. */
export function queuesCommand(context: CliContext): Command {
  const queues = new Command('queues').description('the job queues: show their state');
  queues
    .command('stats')
    .description('jobs per queue and state, and the outbox: pending, due, failed and the oldest due job\'s age')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const config = context.config();
      const stats = await context.withDatabase(async (pool, databaseUrl) => {
        const prefix = queuePrefixFor(config.queuePrefix, databaseUrl);
        const kind: QueueBackendKind =
          config.queueBackend === 'postgres' ? 'postgres' : config.redisUrl || config.queueBackend === 'redis' || (await redisAnswers(localRedis)) ? 'redis' : 'postgres';
        const backend = createQueueBackend({ kind, prefix, redisUrl: config.redisUrl ?? localRedis, databaseUrl });
        try {
          const jobs = [];
          for (const name of await queueNames(pool)) jobs.push({ queue: name, ...(await backend.queue(name).getJobCounts(...states)) });
          const outbox = await pool.query<{ job: string; pending: number; due: number; failed: number; oldestDueSeconds: number }>(
            `SELECT "jobName" AS job, count(*) FILTER (WHERE status = 'pending')::int AS pending,
                    count(*) FILTER (WHERE status = 'pending' AND "runAfter" <= now())::int AS due,
                    count(*) FILTER (WHERE status = 'failed')::int AS failed,
                    COALESCE(round(extract(epoch FROM now() - min("runAfter") FILTER (WHERE status = 'pending' AND "runAfter" <= now()))), 0)::int AS "oldestDueSeconds"
               FROM "Outbox" WHERE status IN ('pending', 'failed') GROUP BY 1 ORDER BY 1`,
          );
          return { backend: kind, prefix, queues: jobs, outbox: outbox.rows };
        } finally {
          await backend.close();
        }
      });
      if (options.json) {
        context.output.out(JSON.stringify(stats));
        return;
      }
      context.output.out(`queues on ${stats.backend} (prefix ${stats.prefix})`);
      context.output.out(['queue'.padEnd(48), ...states.map((s) => s.padStart(11))].join(''));
      for (const row of stats.queues) {
        const counts = row as unknown as Record<string, number>;
        context.output.out([row.queue.padEnd(48), ...states.map((s) => String(counts[s] ?? 0).padStart(11))].join(''));
      }
      context.output.out('');
      context.output.out(['outbox job'.padEnd(20), 'pending'.padStart(10), 'due'.padStart(10), 'failed'.padStart(10), 'oldest due (s)'.padStart(16)].join(''));
      for (const row of stats.outbox) {
        context.output.out([row.job.padEnd(20), String(row.pending).padStart(10), String(row.due).padStart(10), String(row.failed).padStart(10), String(row.oldestDueSeconds).padStart(16)].join(''));
      }
      if (stats.outbox.length === 0) context.output.out('(nothing pending)');
    });
  return queues;
}
