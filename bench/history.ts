import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from './support/processes.js';

// History sync burst: a process of its own captures `count` historical messages as a bridge would on linking
// (see history-child.ts); the figures are its time to durable capture and its peak resident memory.

export interface HistoryFigures {
  count: number;
  stored: number;
  elapsedMs: number;
  perSecond: number;
  rssBefore: number;
  peakRss: number;
  batchSize: number;
  chats: number;
}

export async function runHistory(options: { databaseUrl: string; redisUrl: string; prefix: string; count: number }): Promise<HistoryFigures> {
  const accountId = 'bench-history';
  const setup = new pg.Client({ connectionString: options.databaseUrl });
  await setup.connect();
  await setup.query(
    `INSERT INTO "ChannelAccount" (id, "firmId", kind, name, state, address)
     SELECT $1, id, 'baileys', 'Linked phone (bench history)', 'connected', '+15550188888' FROM "Firm" WHERE slug = 'demo'`,
    [accountId],
  );
  await setup.end();
  const args = { databaseUrl: options.databaseUrl, redisUrl: options.redisUrl, prefix: options.prefix, accountId, count: options.count, batchSize: 1000, chats: 500, poolSize: 20 };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'history-child.ts'), JSON.stringify(args)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the history sync process exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as Omit<HistoryFigures, 'perSecond' | 'batchSize' | 'chats'>;
  return { ...result, perSecond: result.stored / (result.elapsedMs / 1000), batchSize: args.batchSize, chats: args.chats };
}
