import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, spawnMatterline, waitFor } from '../support/matterline.js';
import { freePort } from '../support/redis-server.js';

// README's run command on a machine with no services: `npm start` with no DATABASE_URL runs an embedded PostgreSQL,
// and with the queue on PostgreSQL too it needs nothing else. (This machine has Redis, so the test asks for the
// PostgreSQL queue explicitly, as `auto` picks it where no Redis answers.)
describe('npm start with no configuration', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('brings up the demo on an embedded PostgreSQL, captures a client message, and stops cleanly', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'matterline-zero-'));
    const pgPort = await freePort();
    child = spawnMatterline('main', {
      PORT: '0',
      MATTERLINE_DATA_DIR: dataDir,
      MATTERLINE_EMBEDDED_PG_PORT: String(pgPort),
      MATTERLINE_QUEUE_BACKEND: 'postgres',
      LOG_LEVEL: 'warn',
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const url = await waitFor(async () => /Matterline is up at (http:\/\/\S+)/.exec(output)?.[1], {
      timeoutMs: 150_000,
      what: `the start banner; output so far:\n${output}`,
    });
    expect(output).toMatch(/lawyer@demo\.test/);
    const password = /password: (\S+)/.exec(output)?.[1];
    expect(password).toMatch(/^\S{8,}$/);

    const response = await fetch(`${url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550100001', text: 'Hello from the zero-config demo', id: 'zero-1' }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    const db = new pg.Client({ connectionString: `postgres://matterline:matterline-embedded@127.0.0.1:${pgPort}/matterline` });
    await db.connect();
    try {
      await waitFor(
        async () =>
          (await db.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1 AND NOT EXISTS (SELECT 1 FROM "Outbox" WHERE "jobId" = $1)`, [`inbound-${id}`])).rowCount === 1,
        { what: 'the message to be processed on the PostgreSQL queue' },
      );
      const stored = await db.query(`SELECT text, "conversationId" IS NOT NULL AS filed FROM "Message" WHERE id = $1`, [id]);
      expect(stored.rows).toEqual([{ text: 'Hello from the zero-config demo', filed: true }]);
      const matter = await db.query(
        `SELECT m.number FROM "Conversation" c JOIN "Matter" m ON m.id = c."matterId" JOIN "Message" msg ON msg."conversationId" = c.id WHERE msg.id = $1`,
        [id],
      );
      expect(matter.rows).toEqual([{ number: 'M-0001' }]);
    } finally {
      await db.end();
    }

    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);
    // The embedded server stopped with it.
    const probe = new pg.Client({ connectionString: `postgres://matterline:matterline-embedded@127.0.0.1:${pgPort}/matterline`, connectionTimeoutMillis: 2000 });
    probe.on('error', () => undefined);
    await expect(probe.connect()).rejects.toThrow();
  });
});
