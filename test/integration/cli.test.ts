import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { repoRoot, startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { ApiClient } from './auth-test-client.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The operator's view: `npx matterline ...` is bin/matterline.js, run here as a process of its own.
describe('the admin CLI', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  const work = mkdtempSync(path.join(tmpdir(), 'matterline-cli-'));

  const start = (args: string[], stdin?: string, env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/matterline.js'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: database.url, LOG_LEVEL: 'silent', MATTERLINE_DATA_DIR: work, MATTERLINE_QUEUE_PREFIX: app.config.queuePrefix, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const run = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    child.stdin.end(stdin ?? '');
    const done = new Promise<CliRun>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, ...run }));
    });
    return { child, run, done };
  };
  const matterline = (args: string[], stdin?: string, env?: Record<string, string>) => start(args, stdin, env).done;
  const file = (name: string, text: string) => {
    const full = path.join(work, name);
    writeFileSync(full, text);
    return full;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('has --help on every command', async () => {
    const commands = [[], ['firm'], ['firm', 'create'], ['user', 'create'], ['account', 'link'], ['hours', 'set'], ['import', 'clients'], ['import', 'matters'], ['matter', 'export'], ['audit', 'verify'], ['queues', 'stats']];
    const runs = await Promise.all(commands.map((command) => matterline([...command, '--help'])));
    runs.forEach((run, index) => {
      expect(run.code, commands[index]!.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: matterline ${commands[index]!.join(' ')}`.trim());
    });
    expect(runs[0]!.stdout).toMatch(/import\s+import clients and matters from CSV/);
  });

  it('creates a firm and its users; a password given on stdin signs in', async () => {
    const firm = await matterline(['firm', 'create', '--name', 'Avery & Brennan LLP', '--slug', 'avery-brennan', '--time-zone', 'Europe/Madrid', '--language', 'es']);
    expect(firm.code, firm.stderr).toBe(0);
    expect(firm.stdout).toMatch(/^created firm avery-brennan/);
    const again = await matterline(['firm', 'create', '--name', 'Other', '--slug', 'avery-brennan']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('matterline: a firm with the slug "avery-brennan" exists already');
    const badZone = await matterline(['firm', 'create', '--name', 'X', '--slug', 'x-firm', '--time-zone', 'EST']);
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('--time-zone: expected an IANA time zone');
    expect((await matterline(['firm', 'create', '--slug', 'no-name'])).code).toBe(2);

    const admin = await matterline(['user', 'create', '--firm', 'avery-brennan', '--email', 'Ana@Avery.test', '--name', 'Ana Avery', '--role', 'admin']);
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toMatch(/created admin ana@avery\.test/);
    expect(admin.stdout).toMatch(/one-time password token \(valid until .+\): \S{20,}/);
    const lawyer = await matterline(['user', 'create', '--firm', 'avery-brennan', '--email', 'leo@avery.test', '--name', 'Leo', '--role', 'lawyer', '--password-stdin'], 'a long enough password\n');
    expect(lawyer.code, lawyer.stderr).toBe(0);
    expect(lawyer.stdout).not.toContain('token');
    const client = new ApiClient(app.url!);
    expect((await client.login('leo@avery.test', 'a long enough password')).status).toBe(200);
    const badRole = await matterline(['user', 'create', '--firm', 'avery-brennan', '--email', 'x@avery.test', '--name', 'X', '--role', 'boss']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/argument 'boss' is invalid/);
    const noFirm = await matterline(['user', 'create', '--firm', 'nobody', '--email', 'y@avery.test', '--name', 'Y', '--role', 'staff']);
    expect(noFirm.code).toBe(2);
    expect(noFirm.stderr).toContain('no firm with the slug "nobody"');
  });

  it('sets office hours', async () => {
    const set = await matterline(['hours', 'set', '--firm', 'avery-brennan', '--time-zone', 'Europe/Madrid', '--days', 'mon-fri', '--open', '09:00', '--close', '18:00', '--closures', '[{"from":"2026-12-24","to":"2026-12-26"}]']);
    expect(set.code, set.stderr).toBe(0);
    const firm = await app.db.prisma.firm.findUniqueOrThrow({ where: { slug: 'avery-brennan' } });
    const hours = await app.db.prisma.businessHours.findFirstOrThrow({ where: { firmId: firm.id, accountId: null } });
    expect(hours.weekly).toEqual(Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '18:00']]])));
    expect(hours.closures).toEqual([{ from: '2026-12-24', to: '2026-12-26' }]);
    const bad = await matterline(['hours', 'set', '--firm', 'avery-brennan', '--time-zone', 'Europe/Madrid', '--days', 'mon-fri', '--open', '18:00', '--close', '09:00']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('an interval must start before it ends');
    expect((await matterline(['hours', 'set', '--firm', 'avery-brennan', '--time-zone', 'UTC', '--days', 'monday-friday', '--open', '09:00', '--close', '17:00'])).code).toBe(2);
  });

  it('imports clients and matters from CSV: a per-line report, nothing written while a line is wrong, a dry run, then the import', async () => {
    const firm = await app.db.prisma.firm.findUniqueOrThrow({ where: { slug: 'avery-brennan' } });
    await app.db.prisma.channelAccount.create({ data: { id: 'ab-sim', firmId: firm.id, kind: 'simulator', name: 'AB simulator', state: 'connected' } });
    const bad = file(
      'clients-bad.csv',
      'name,email,language,phone,account,consent,tags\n' +
        'Carmen Ruiz,carmen@example.test,es,+34600200001,ab-sim,opted_in,consumer;vip\n' +
        'No Email,not-an-email,en,,,,\n' +
        ',blank@example.test,en,,,,\n' +
        'Pat Phone,pat@example.test,fr,+1555,nowhere,,\n' +
        'Carmen Again,CARMEN@example.test,es,,,,\n',
    );
    const rejected = await matterline(['import', 'clients', bad, '--firm', 'avery-brennan']);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('line 3, email: not an email address');
    expect(rejected.stderr).toContain('line 4, name: a name is required');
    expect(rejected.stderr).toMatch(/line 5, language: /);
    expect(rejected.stderr).toContain('line 5, phone: a number in international form');
    expect(rejected.stderr).toContain('line 6, email: the same client as line 2');
    expect(rejected.stderr).toContain('nothing was imported');
    expect(await app.db.prisma.client.count({ where: { firmId: firm.id } })).toBe(0);

    const good = file(
      'clients.csv',
      'name,email,language,time_zone,phone,account,consent,tags\n' +
        'Carmen Ruiz,carmen@example.test,es,Europe/Madrid,+34600200001,ab-sim,opted_in,consumer;vip\n' +
        '"Diaz, Pablo",pablo@example.test,es,,+34600200002,ab-sim,,\n',
    );
    const dry = await matterline(['import', 'clients', good, '--firm', 'avery-brennan', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('line 2: would create client Carmen Ruiz with a phone');
    expect(dry.stdout).toContain('dry run: 2 clients would be created');
    expect(await app.db.prisma.client.count({ where: { firmId: firm.id } })).toBe(0);
    const imported = await matterline(['import', 'clients', good, '--firm', 'avery-brennan']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('imported 2 clients; 0 already in the record');
    const carmen = await app.db.prisma.client.findFirstOrThrow({ where: { email: 'carmen@example.test' }, include: { identities: { include: { consentEvents: true } } } });
    expect(carmen).toMatchObject({ language: 'es', timeZone: 'Europe/Madrid', tags: ['consumer', 'vip'] });
    expect(carmen.identities[0]).toMatchObject({ address: '+34600200001', consentState: 'opted_in' });
    expect(carmen.identities[0]!.consentEvents[0]).toMatchObject({ source: 'import', toState: 'opted_in' });
    const rerun = await matterline(['import', 'clients', good, '--firm', 'avery-brennan']);
    expect(rerun.stdout).toContain('imported 0 clients; 2 already in the record');

    const matters = file(
      'matters.csv',
      'number,title,client,practice_area,status,responsible,members\n' +
        'AB-1,Ruiz v. Motors,carmen@example.test,consumer,open,leo@avery.test,ana@avery.test\n' +
        'AB-2,Diaz estate,"Diaz, Pablo",probate,pending,,\n' +
        'AB-3,Unknown client,nobody@example.test,,,,\n' +
        'AB-4,Bad status,carmen@example.test,,archived,,\n',
    );
    const matterErrors = await matterline(['import', 'matters', matters, '--firm', 'avery-brennan', '--json']);
    expect(matterErrors.code).toBe(1);
    const report = JSON.parse(matterErrors.stdout) as { errors: { line: number; field: string; message: string }[]; created: number };
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([
      [4, 'client'],
      [5, 'status'],
    ]);
    expect(report.created).toBe(0);
    writeFileSync(matters, readFileSync(matters, 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
    const matterRun = await matterline(['import', 'matters', matters, '--firm', 'avery-brennan']);
    expect(matterRun.code, matterRun.stderr).toBe(0);
    const ab1 = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'AB-1' }, include: { members: { include: { user: true } } } });
    expect(ab1.members.map((m) => [m.user.email, m.role]).sort()).toEqual([
      ['ana@avery.test', 'member'],
      ['leo@avery.test', 'responsible'],
    ]);
    expect((await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'AB-2' } })).status).toBe('pending');
    expect((await matterline(['import', 'clients', path.join(work, 'missing.csv'), '--firm', 'avery-brennan'])).code).toBe(2);
  });

  it('draws the linking QR code in the terminal until the phone links', async () => {
    const firm = await app.db.prisma.firm.findUniqueOrThrow({ where: { slug: 'avery-brennan' } });
    await app.db.prisma.channelAccount.create({
      // Paused, so the running Matterline does not try to connect it while the test plays the linking.
      data: { id: 'ab-phone', firmId: firm.id, kind: 'baileys', name: 'Office phone', state: 'linking', paused: true, qrCode: '2@abcdefghijklmnopqrstuvwxyz0123456789,xyz,abc' },
    });
    const linking = start(['account', 'link', 'ab-phone', '--timeout', '30', '--interval-ms', '100']);
    await waitFor(async () => linking.run.stdout.includes('Scan this code'), { what: 'the QR code', timeoutMs: 20_000 });
    await waitFor(async () => /[▄▀█]{10}/.test(linking.run.stdout), { what: 'the QR blocks' });
    await app.db.prisma.channelAccount.update({ where: { id: 'ab-phone' }, data: { state: 'connected', qrCode: null, address: '+34600999000' } });
    const linked = await linking.done;
    expect(linked.code).toBe(0);
    expect(linked.stdout).toContain('linked: account ab-phone is connected as +34600999000');

    await app.db.prisma.channelAccount.create({ data: { id: 'ab-slow', firmId: firm.id, kind: 'signal', name: 'Signal', state: 'linking', paused: true } });
    const slow = await matterline(['account', 'link', 'ab-slow', '--timeout', '1', '--interval-ms', '100']);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('not linked after 1 s');
    const missing = await matterline(['account', 'link', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no channel account nope');
  });

  it('exports a matter as a user allowed to see it, and shows queue stats', async () => {
    const out = path.join(work, 'm-0001.zip');
    const exported = await matterline(['matter', 'export', 'M-0001', '--firm', 'demo', '--as', 'supervisor@demo.test', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/exported matter M-0001 to .*m-0001\.zip/);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    expect(await app.db.prisma.auditEvent.count({ where: { action: 'matter.exported' } })).toBe(1);
    // lawyer2 is not on M-0001: the export is refused as if the matter did not exist.
    const walled = await matterline(['matter', 'export', 'M-0001', '--firm', 'demo', '--as', 'lawyer2@demo.test', '--out', path.join(work, 'no.zip')]);
    expect(walled.code).toBe(2);
    expect(walled.stderr).toContain('no such matter');
    expect((await matterline(['matter', 'export', 'M-0001', '--firm', 'demo', '--as', 'supervisor@demo.test', '--out', out])).code).toBe(2);

    const stats = await matterline(['queues', 'stats', '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    const parsed = JSON.parse(stats.stdout) as { backend: string; queues: { queue: string; waiting: number }[]; outbox: unknown[] };
    expect(parsed.backend).toBe('redis');
    expect(parsed.queues.map((q) => q.queue)).toEqual(expect.arrayContaining(['inbound', 'send', 'reminder', 'notice', 'webhook', 'send-account-demo']));
    const table = await matterline(['queues', 'stats']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^queues on redis/m);
    expect(table.stdout).toMatch(/^inbound\s+\d+\s+\d+/m);
    // The same on BullMQ's PostgreSQL backend (the embedded single-machine default), with the backend named.
    const onPostgres = await matterline(['queues', 'stats'], undefined, { MATTERLINE_QUEUE_BACKEND: 'postgres' });
    expect(onPostgres.code, onPostgres.stderr).toBe(0);
    expect(onPostgres.stdout).toMatch(/^queues on postgres/m);
    expect(onPostgres.stdout).toMatch(/^inbound\s+\d+\s+\d+/m);
  });

  it('says in words which database it cannot reach and what to check, and exits 2', async () => {
    const refused = await matterline(['queues', 'stats'], undefined, { DATABASE_URL: 'postgres://clerk:s3cret@127.0.0.1:1/records' });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'matterline: cannot reach PostgreSQL at 127.0.0.1:1 (database "records", user "clerk"): nothing answers there; check that PostgreSQL is running and listening on that host and port',
    );
    expect(refused.stderr).not.toContain('s3cret');
    const missing = await matterline(['audit', 'verify'], undefined, { DATABASE_URL: database.url.replace(/\/[^/]+$/, '/no_such_db_for_cli') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/database "no_such_db_for_cli".*does not exist/);
  });
});
