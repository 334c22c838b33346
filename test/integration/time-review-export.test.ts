import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// The LEDES Oversight Committee's timekeeper classification codes, as the issue that asked for them lists them
// (the committee's own page is not reachable from here to copy the full list into a fixture).
const ledesTimekeeperClassifications = ['PARTNR', 'ASSOCT', 'OFCOUN', 'PARLEG', 'LEGAST', 'OTHTKR'];

interface Entry {
  id: string;
  hours: number;
  narrative: string;
  billable: boolean;
  amountCents: number;
  state: string;
  editedAt: string | null;
  exportBatchId: string | null;
  matter: { number: string };
}
interface Activity {
  id: string;
  kind: string;
}

/** LEDES 1998B read back from the format: records end in "[]", fields split on "|". */
function parseLedes(content: string) {
  const records = content.split('\r\n');
  expect(records.pop()).toBe('');
  for (const record of records) expect(record.endsWith('[]')).toBe(true);
  const [format, header, ...lines] = records.map((record) => record.slice(0, -2));
  const names = header!.split('|');
  expect(names).toHaveLength(24);
  return {
    format,
    rows: lines.map((line) => {
      const values = line.split('|');
      expect(values).toHaveLength(24);
      return Object.fromEntries(names.map((name, index) => [name, values[index]!]));
    }),
  };
}

/** RFC 4180 read back: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(content: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const char = content[i]!;
    if (quoted && char === '"' && content[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && char === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && char === '\r' && content[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += char;
    }
  }
  expect(field).toBe('');
  const [header, ...body] = rows;
  return body.map((values) => Object.fromEntries(header!.map((name, index) => [name, values[index]!])));
}

// Review, export and reports as lawyers, a supervisor (walled from M-0002) and the admin use them.
describe('time review, LEDES and CSV export, reports', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let supervisor: ApiClient;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;
  let lawyerId: string;
  const today = DateTime.now().setZone('America/New_York').toISODate()!;
  const range = `from=${today}&to=${today}`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    const as = (email: string) => signedIn(app.url!, email);
    [admin, supervisor, lawyer, lawyer2] = await Promise.all([as('admin@demo.test'), as('supervisor@demo.test'), as('lawyer@demo.test'), as('lawyer2@demo.test')]);
    lawyerId = (await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } })).id;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const inbound = async (from: string, text: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
    const body = (await response.json()) as { id: string; conversationId: string };
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${body.id}`])).rowCount === 1);
    return body.conversationId;
  };
  const entriesOf = async (client: ApiClient, query = '') => (await client.get<{ items: Entry[] }>(`/api/time/entries${query}`)).body.items;
  const entryOn = async (client: ApiClient, matter: string) => {
    const found = (await entriesOf(client, '?state=draft')).filter((entry) => entry.matter.number === matter);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const activitiesOf = async (client: ApiClient, id: string) => (await client.get<{ activities: Activity[] }>(`/api/time/entries/${id}`)).body.activities;

  it('drafts entries from messaging on three hourly matters and a pro bono one (non-billable)', async () => {
    // M-0001: two reads (40 s) and a 10-minute reply: 640 s, 0.2 h.
    let conversation = await inbound('+15550100001', 'The dealer called');
    await inbound('+15550100001', 'What now?');
    await lawyer.post(`/api/conversations/${conversation}/read`);
    await lawyer.post(`/api/conversations/${conversation}/messages`, { text: 'Send me their letter, please.', compositionMs: 600_000 });
    ids.a = (await entryOn(lawyer, 'M-0001')).id;
    // M-0003: one read and a quick reply (the floor): 80 s, 0.1 h.
    conversation = await inbound('+34600100003', '¿Hay novedades?');
    await lawyer.post(`/api/conversations/${conversation}/read`);
    await lawyer.post(`/api/conversations/${conversation}/messages`, { text: 'Sí, mañana le llamo.', compositionMs: 30_000 });
    ids.b = (await entryOn(lawyer, 'M-0003')).id;
    // M-0002 is lawyer2's (and walled from the supervisor).
    conversation = await inbound('+15550100002', 'My landlord kept the deposit');
    await lawyer2.post(`/api/conversations/${conversation}/read`);
    await lawyer2.post(`/api/conversations/${conversation}/messages`, { text: 'I will write to him today.', compositionMs: 400_000 });
    ids.d = (await entryOn(lawyer2, 'M-0002')).id;
    // A pro bono matter: intake by the admin, a new contact filed under it, the lawyer reads.
    const client = await admin.post<{ id: string }>('/api/clients', { name: 'Pat Probono' });
    const matter = await admin.post<{ id: string }>('/api/matters', {
      clientId: client.body.id, number: 'PB-0100', title: 'Probono | eviction [defence]', billingType: 'pro_bono', members: [{ userId: lawyerId, role: 'responsible' }],
    });
    expect(matter.status).toBe(201);
    conversation = await inbound('+15558880100', 'Thank you for taking my case');
    expect((await admin.post(`/api/conversations/${conversation}/assign`, { clientId: client.body.id, matterId: matter.body.id })).status).toBe(200);
    await lawyer.post(`/api/conversations/${conversation}/read`);
    const proBono = await entryOn(lawyer, 'PB-0100');
    ids.c = proBono.id;
    expect(proBono).toMatchObject({ billable: false, amountCents: 0, hours: 0.1 });
    expect(await entryOn(lawyer, 'M-0001')).toMatchObject({ hours: 0.2, billable: true, amountCents: 6000, editedAt: null });
  });

  it('splits an entry by its activities keeping the total, and merges the parts back', async () => {
    const activities = await activitiesOf(lawyer, ids.a!);
    const read = activities.find((activity) => activity.kind === 'message_read')!;
    const all = activities.filter((activity) => activity.id !== read.id).map((activity) => activity.id);
    expect((await lawyer.post(`/api/time/entries/${ids.a}/split`, { activityIds: activities.map((activity) => activity.id) })).status).toBe(400);
    const split = await lawyer.post<{ original: Entry; split: Entry }>(`/api/time/entries/${ids.a}/split`, { activityIds: [read.id] });
    expect(split.status).toBe(200);
    expect([split.body.original.hours, split.body.split.hours]).toEqual([0.1, 0.1]);
    expect(split.body.split.narrative).toBe('WhatsApp with client re Avery v. Northwind Motors (lemon law): 1 message read');
    expect((await activitiesOf(lawyer, split.body.original.id)).map((activity) => activity.id).sort()).toEqual(all.sort());

    const merged = await lawyer.post<Entry>('/api/time/entries/merge', { entryIds: [split.body.split.id, ids.a] });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: ids.a, hours: 0.2 });
    expect(await activitiesOf(lawyer, ids.a!)).toHaveLength(activities.length);
    expect((await lawyer.get(`/api/time/entries/${split.body.split.id}`)).status).toBe(404);
    // Entries of two matters never merge.
    expect((await lawyer.post('/api/time/entries/merge', { entryIds: [ids.a, ids.b] })).status).toBe(400);

    const again = await lawyer.post<{ original: Entry; split: Entry }>(`/api/time/entries/${ids.a}/split`, { activityIds: [read.id] });
    ids.a2 = again.body.split.id;
  });

  it('edits drafts, and changes an approved entry only after un-approving it', async () => {
    const edited = await lawyer.request<Entry>('PATCH', `/api/time/entries/${ids.a}`, {
      body: { hours: 0.3, narrative: 'Advised client | reviewed dealer letter [] next steps\ncall Monday' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ hours: 0.3, amountCents: 9000 });
    expect(edited.body.editedAt).not.toBeNull();
    expect((await lawyer.request('PATCH', `/api/time/entries/${ids.a}`, { body: { hours: 0.25 } })).status).toBe(400);
    expect((await lawyer.request('PATCH', `/api/time/entries/${ids.a}`, { body: {} })).status).toBe(400);

    expect((await lawyer.post(`/api/time/entries/${ids.a}/approve`)).status).toBe(200);
    const refused = await lawyer.request<{ error: string; message: string }>('PATCH', `/api/time/entries/${ids.a}`, { body: { hours: 0.5 } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/un-approve/);
    expect((await lawyer.post(`/api/time/entries/${ids.a}/write-off`, { reason: 'courtesy' })).status).toBe(409);
    expect((await lawyer.post(`/api/time/entries/${ids.a}/unapprove`)).status).toBe(200);
    expect((await lawyer.request('PATCH', `/api/time/entries/${ids.a}`, { body: { taskCode: 'L110' } })).status).toBe(200);
    expect((await lawyer.post(`/api/time/entries/${ids.a}/approve`)).status).toBe(200);

    expect((await lawyer.post(`/api/time/entries/${ids.a2}/write-off`, {})).status).toBe(400);
    expect((await lawyer.post(`/api/time/entries/${ids.a2}/write-off`, { reason: 'courtesy: client asked a quick question' })).status).toBe(200);
    for (const id of [ids.b, ids.c]) expect((await lawyer.post(`/api/time/entries/${id}/approve`)).status).toBe(200);
    expect((await lawyer2.post(`/api/time/entries/${ids.b}/approve`)).status).toBe(404);
    expect((await lawyer2.post(`/api/time/entries/${ids.d}/approve`)).status).toBe(200);

    const actions = await app.db.pool.query<{ action: string }>(
      `SELECT action FROM "AuditEvent" WHERE "subjectType" = 'time_entry' AND "subjectId" = $1 ORDER BY id`,
      [ids.a],
    );
    expect(actions.rows.map((row) => row.action).filter((action) => action !== 'time.entry_read')).toEqual([
      'time_entry.split', 'time_entry.merged', 'time_entry.split', 'time_entry.edited', 'time_entry.approve', 'time_entry.unapprove',
      'time_entry.edited', 'time_entry.approve',
    ]);
  });

  it('refuses exports to lawyers and bad dates with 400', async () => {
    expect((await lawyer.get(`/api/time/export.ledes?${range}`)).status).toBe(403);
    const [from, to] = [new URLSearchParams(range).get('from'), new URLSearchParams(range).get('to')];
    expect((await lawyer.post('/api/time/exports', { from, to })).status).toBe(403);
    for (const body of [{}, { from }, { from: '2026-02-30', to: '2026-03-01' }, { from: today, to: '2020-01-01' }, { from, to, x: 1 }]) {
      const response = await supervisor.post<{ error: string }>('/api/time/exports', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toBe('bad_request');
    }
    for (const query of ['', 'from=2026-01-01', 'from=2026-02-30&to=2026-03-01', 'from=2026-1-1&to=2026-01-31', `from=${today}&to=2020-01-01`, `${range}&x=1`]) {
      const response = await supervisor.get<{ error: string }>(`/api/time/export.ledes?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error).toBe('bad_request');
    }
  });

  let firstLedes = '';
  let firstCsv = '';
  let batchId = '';
  it('previews with a GET that marks nothing, then exports approved billable entries by POST as LEDES 1998B, one invoice per matter; none from the pro bono matter', async () => {
    const preview = await fetch(`${app.url}/api/time/export.ledes?${range}`, { headers: { cookie: supervisor.cookie! } });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('x-matterline-export-batch')).toBe('none');
    expect(parseLedes(await preview.text()).rows.map((row) => row.LAW_FIRM_MATTER_ID)).toEqual(['M-0001', 'M-0003']);
    // A GET changes nothing: the entries are still approved, and no batch was made.
    const approved = await app.db.pool.query(`SELECT 1 FROM "TimeEntry" WHERE id = ANY($1::text[]) AND state = 'approved'`, [[ids.a, ids.b, ids.c]]);
    expect(approved.rowCount).toBe(3);
    expect(await app.db.prisma.timeExportBatch.count()).toBe(0);

    const [from, to] = [new URLSearchParams(range).get('from'), new URLSearchParams(range).get('to')];
    // Without the CSRF token a cross-site form post cannot create it.
    expect((await supervisor.post('/api/time/exports', { from, to }, { csrf: false })).status).toBe(403);
    // CLIENT_ID is the firm's own client number, which the firm may change (staff and admins, audited).
    const avery = await app.db.prisma.client.findFirstOrThrow({ where: { name: 'Alice Avery' } });
    const garcia = await app.db.prisma.client.findFirstOrThrow({ where: { name: 'María García' } });
    expect(garcia.number).toMatch(/^C\d{5}$/);
    expect((await lawyer.request('PATCH', `/api/clients/${avery.id}`, { body: { number: 'AVERY-2026' } })).status).toBe(403);
    expect((await admin.request('PATCH', `/api/clients/${avery.id}`, { body: { number: 'has spaces' } })).status).toBe(400);
    expect((await admin.request('PATCH', `/api/clients/${avery.id}`, { body: { number: garcia.number } })).status).toBe(409);
    const renumbered = await admin.request<{ number: string }>('PATCH', `/api/clients/${avery.id}`, { body: { number: 'AVERY-2026' } });
    expect(renumbered.status).toBe(200);
    expect(renumbered.body.number).toBe('AVERY-2026');
    expect(await app.db.prisma.auditEvent.count({ where: { action: 'client.number_changed', subjectId: avery.id } })).toBe(1);
    const created = await supervisor.post<{ id: string; entries: number; ledes: string; csv: string }>('/api/time/exports', { from, to });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ entries: 3, ledes: `/api/time/exports/${created.body.id}.ledes`, csv: `/api/time/exports/${created.body.id}.csv` });
    batchId = created.body.id;
    const response = await fetch(`${app.url}${created.body.ledes}`, { headers: { cookie: supervisor.cookie! } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-matterline-export-batch')).toBe(batchId);
    firstLedes = await response.text();
    const { format, rows } = parseLedes(firstLedes);
    expect(format).toBe('LEDES1998B');
    expect(rows.map((row) => row.LAW_FIRM_MATTER_ID)).toEqual(['M-0001', 'M-0003']);
    expect(rows[0]).toMatchObject({
      INVOICE_DATE: today.replaceAll('-', ''),
      INVOICE_NUMBER: 'TE000001001',
      INVOICE_TOTAL: '90.00',
      BILLING_START_DATE: today.replaceAll('-', ''),
      'EXP/FEE/INV_ADJ_TYPE': 'F',
      LINE_ITEM_NUMBER: '1',
      LINE_ITEM_NUMBER_OF_UNITS: '0.3',
      LINE_ITEM_UNIT_COST: '300.00',
      LINE_ITEM_TOTAL: '90.00',
      LINE_ITEM_TASK_CODE: 'L110',
      LINE_ITEM_ACTIVITY_CODE: 'A106',
      LINE_ITEM_DESCRIPTION: 'Advised client / reviewed dealer letter () next steps call Monday',
      TIMEKEEPER_ID: 'TK003',
      TIMEKEEPER_NAME: 'Lawyer, Laura',
      TIMEKEEPER_CLASSIFICATION: 'PARTNR',
      LAW_FIRM_ID: 'DEMO',
    });
    expect(rows[1]).toMatchObject({ INVOICE_NUMBER: 'TE000001002', LINE_ITEM_NUMBER_OF_UNITS: '0.1', LINE_ITEM_TOTAL: '30.00', INVOICE_TOTAL: '30.00' });
    expect(rows[1]!.LINE_ITEM_DESCRIPTION).toBe('WhatsApp with client re Garcia - reclamacion de consumo: 1 message sent, 1 read');
    for (const row of rows) expect(Number(row.INVOICE_TOTAL)).toBe(rows.filter((r) => r.INVOICE_NUMBER === row.INVOICE_NUMBER).reduce((sum, r) => sum + Number(r.LINE_ITEM_TOTAL), 0));
    expect(firstLedes).not.toMatch(/Probono|PB-0100|M-0002/);
    // As e-billing portals check them: the firm's client numbers, invoice numbers of letters and digits, and the
    // LEDES Oversight Committee's timekeeper classification codes.
    expect(rows.map((row) => row.CLIENT_ID)).toEqual(['AVERY-2026', garcia.number]);
    for (const row of rows) {
      expect(row.INVOICE_NUMBER).toMatch(/^[A-Za-z0-9]{1,20}$/);
      expect(ledesTimekeeperClassifications).toContain(row.TIMEKEEPER_CLASSIFICATION);
    }
  });

  it('serves the batch again byte for byte, and its CSV with every entry, non-billable ones at 0', async () => {
    const again = await fetch(`${app.url}/api/time/exports/${batchId}.ledes`, { headers: { cookie: supervisor.cookie! } });
    expect(again.headers.get('x-matterline-export-again')).toBe('true');
    expect(await again.text()).toBe(firstLedes);
    // Nothing left to export in the range: a second POST makes no empty batch, and names the earlier one.
    const [from, to] = [new URLSearchParams(range).get('from'), new URLSearchParams(range).get('to')];
    const second = await supervisor.post<{ error: string; details: { earlierBatchId: string } }>('/api/time/exports', { from, to });
    expect(second.status).toBe(409);
    expect(second.body.details.earlierBatchId).toBe(batchId);

    const csv = await fetch(`${app.url}/api/time/exports/${batchId}.csv`, { headers: { cookie: supervisor.cookie! } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('x-matterline-export-batch')).toBe(batchId);
    firstCsv = await csv.text();
    const rows = parseCsv(firstCsv);
    expect(rows.map((row) => [row.matter_number, row.billable, row.amount, row.invoice_number])).toEqual([
      ['M-0001', 'true', '90.00', 'TE000001001'],
      ['M-0003', 'true', '30.00', 'TE000001002'],
      ['PB-0100', 'false', '0.00', ''],
    ]);
    expect(rows[0]!.narrative).toBe('Advised client | reviewed dealer letter [] next steps\ncall Monday');
    const byId = await fetch(`${app.url}/api/time/exports/${batchId}?format=csv`, { headers: { cookie: supervisor.cookie! } });
    expect(await byId.text()).toBe(firstCsv);

    const states = await app.db.pool.query<{ id: string; state: string; exportBatchId: string | null }>(
      `SELECT id, state, "exportBatchId" FROM "TimeEntry" WHERE id = ANY($1::text[]) ORDER BY id`,
      [[ids.a, ids.b, ids.c, ids.d]],
    );
    expect(Object.fromEntries(states.rows.map((row) => [row.id, [row.state, row.exportBatchId]]))).toEqual({
      [ids.a!]: ['exported', batchId],
      [ids.b!]: ['exported', batchId],
      [ids.c!]: ['exported', batchId],
      [ids.d!]: ['approved', null],
    });
    expect((await lawyer.post(`/api/time/entries/${ids.a}/unapprove`)).status).toBe(409);
  });

  it('leaves walled matters to someone who may see them, in a batch of their own', async () => {
    const [from, to] = [new URLSearchParams(range).get('from'), new URLSearchParams(range).get('to')];
    // Leo's classification set by the admin (an of counsel), audited; a code outside the published list is refused.
    const leo = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer2@demo.test' } });
    expect((await admin.request('PATCH', `/api/admin/users/${leo.id}`, { body: { classification: 'PT' } })).status).toBe(400);
    expect((await supervisor.request('PATCH', `/api/admin/users/${leo.id}`, { body: { classification: 'OFCOUN' } })).status).toBe(403);
    const set = await admin.request<{ classification: string; classificationSet: boolean }>('PATCH', `/api/admin/users/${leo.id}`, { body: { classification: 'OFCOUN' } });
    expect(set.body).toMatchObject({ classification: 'OFCOUN', classificationSet: true });
    const adminBatch = await admin.post<{ id: string }>('/api/time/exports', { from, to });
    expect(adminBatch.status).toBe(201);
    const adminExport = await fetch(`${app.url}/api/time/exports/${adminBatch.body.id}.ledes`, { headers: { cookie: admin.cookie! } });
    const content = await adminExport.text();
    expect(parseLedes(content).rows.map((row) => [row.INVOICE_NUMBER, row.LAW_FIRM_MATTER_ID, row.TIMEKEEPER_NAME, row.TIMEKEEPER_CLASSIFICATION])).toEqual([
      ['TE000002001', 'M-0002', 'Lawyer, Leo', 'OFCOUN'],
    ]);
    const adminAgain = await fetch(`${app.url}/api/time/exports/${adminBatch.body.id}.ledes`, { headers: { cookie: admin.cookie! } });
    expect(await adminAgain.text()).toBe(content);
    // The supervisor may not see the second batch (M-0002 is walled): for them it does not exist.
    const supervisorSees = await fetch(`${app.url}/api/time/exports/${adminBatch.body.id}.ledes`, { headers: { cookie: supervisor.cookie! } });
    expect(supervisorSees.status).toBe(404);
    const listed = await supervisor.get<{ items: { sequence: number }[] }>('/api/time/exports');
    expect(listed.body.items.map((batch) => batch.sequence)).toEqual([1]);
    expect((await admin.get<{ items: unknown[] }>('/api/time/exports')).body.items).toHaveLength(2);
  });

  it('reports unbilled and written-off time per lawyer and per matter, as JSON and CSV', async () => {
    const byLawyer = await admin.get<{ rows: { label: string; writtenOffHours: number; writtenOffCents: number; billedHours: number; nonBillableHours: number; unbilledHours: number }[] }>(
      `/api/time/report?${range}&by=lawyer`,
    );
    expect(byLawyer.status).toBe(200);
    expect(byLawyer.body.rows.map(({ label, writtenOffHours, writtenOffCents, billedHours, nonBillableHours, unbilledHours }) => ({
      label, writtenOffHours, writtenOffCents, billedHours, nonBillableHours, unbilledHours,
    }))).toEqual([
      { label: 'Laura Lawyer', writtenOffHours: 0.1, writtenOffCents: 3000, billedHours: 0.4, nonBillableHours: 0.1, unbilledHours: 0 },
      { label: 'Leo Lawyer', writtenOffHours: 0, writtenOffCents: 0, billedHours: 0.2, nonBillableHours: 0, unbilledHours: 0 },
    ]);
    // The supervisor is walled from Leo's matter; a lawyer sees only her own time.
    expect((await supervisor.get<{ rows: { label: string }[] }>(`/api/time/report?${range}`)).body.rows.map((row) => row.label)).toEqual(['Laura Lawyer']);
    expect((await lawyer2.get<{ rows: { label: string }[] }>(`/api/time/report?${range}`)).body.rows.map((row) => row.label)).toEqual(['Leo Lawyer']);

    const csv = await fetch(`${app.url}/api/time/report.csv?${range}&by=matter`, { headers: { cookie: admin.cookie! } });
    const rows = parseCsv(await csv.text());
    expect(rows.map((row) => [row.matter, row.written_off_hours, row.billed_hours, row.non_billable_hours])).toEqual([
      ['M-0001 Avery v. Northwind Motors (lemon law)', '0.1', '0.3', '0.0'],
      ['M-0002 Brennan tenancy dispute', '0.0', '0.2', '0.0'],
      ['M-0003 García — reclamación de consumo', '0.0', '0.1', '0.0'],
      ['PB-0100 Probono | eviction [defence]', '0.0', '0.0', '0.1'],
      ['total', '0.1', '0.6', '0.1'],
    ]);
    expect((await admin.get(`/api/time/report?${range}&by=client`)).status).toBe(400);
  });
});
