import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Viewer } from '../src/core/access/viewer.js';
import { recordAudit } from '../src/core/audit/record-audit.js';
import { resolveDateRange } from '../src/core/search/date-range.js';
import { findContacts } from '../src/core/search/find-contacts.js';
import { searchMessages } from '../src/core/search/search-messages.js';
import type { BenchConfig } from './support/bench-config.js';
import { whatsapp } from './support/bench-database.js';
import type { MatterlinePair } from './support/matterline-pair.js';
import { signIn } from './support/matterline-pair.js';
import { percentile } from './support/stats.js';

// Search at a million messages: rows generated in SQL (INSERT ... SELECT generate_series) over the known clients'
// conversations, in English and (one client in ten) Spanish, words drawn with a skew so some are everywhere and
// some rare. Then 50 fixed queries through GET /api/search as a supervisor and as a lawyer, and the same queries as
// raw SQL ranking every match, as the application did before its tiers (without HTTP, access joins' JSON, snippets,
// contact search or the audit event).

const english = (
  'the you your and to a is of for in on my me can we about please thanks hello call tomorrow today when will ' +
  'court case documents hearing lawyer date payment lease landlord deposit security rent repair notice insurance ' +
  'claim accident report medical bills employer contract settlement offer deadline morning afternoon office ' +
  'address photos attached question invoice received appointment judge filing motion evidence witness statement ' +
  'copy email letter update status number friday monday tuesday wednesday thursday weekend signed agreement ' +
  'tenant eviction damages refund warranty car dealer repairs mechanic police officer ticket license fine ' +
  'custody visitation support child school divorce mediation schedule reschedule confirm cancel available ' +
  'meeting zoom phone voicemail check wire transfer bank account balance receipt scan upload portal password ' +
  'employer wages overtime timesheet termination severance discrimination complaint agency investigation ' +
  'neighbor fence property boundary survey title deed mortgage closing escrow appraisal inspection'
).split(' ');
const spanish = (
  'hola gracias por favor el la los las de del y en mi su usted abogado abogada caso documentos audiencia fecha ' +
  'juicio contrato arrendamiento casero depósito fianza renta alquiler reparación aviso seguro reclamación ' +
  'accidente informe facturas médicas empleador acuerdo oferta plazo mañana tarde oficina dirección fotos adjunto ' +
  'pregunta factura recibido cita juez demanda prueba testigo declaración copia correo carta estado número viernes ' +
  'lunes martes miércoles jueves firmado inquilino desalojo daños reembolso garantía coche taller policía multa ' +
  'custodia visitas manutención divorcio mediación horario confirmar cancelar disponible reunión teléfono cheque ' +
  'transferencia banco cuenta saldo recibo salario horas despido queja vecino propiedad hipoteca escritura'
).split(' ');
/** Words that turn up in about one message in 10,000 each. */
const rare = [
  'subpoena', 'interrogatories', 'garnishment', 'habeas', 'affidavit', 'notarized', 'arbitration', 'lien',
  'probate', 'guardianship', 'expungement', 'deposition', 'injunction', 'easement', 'foreclosure', 'bankruptcy',
  'desahucio', 'embargo', 'poder notarial', 'apelación', 'herencia', 'albacea', 'pensión', 'finiquito',
  'Zbigniew', 'Okonkwo', 'Thistlewood', 'VIN 1HGCM82633A004352', 'claim 2024-CV-0042', 'policy PX-77812',
];

export interface SearchQuery {
  q: string;
  as: 'supervisor' | 'lawyer';
  matter?: string;
  /** Filter by the second demo lawyer's matters and messages. */
  byLawyer2?: boolean;
}

// 50 fixed queries: common and rare words, phrases, Spanish, partial words (trigrams), filters, both viewers.
export const searchQueries: SearchQuery[] = [
  ...['documents', 'court', 'payment', 'lease', 'hearing', 'insurance claim', 'tomorrow morning'].map((q) => ({ q, as: 'supervisor' as const })),
  ...['subpoena', 'garnishment', 'affidavit', 'Okonkwo', 'Thistlewood', 'foreclosure', 'deposition'].map((q) => ({ q, as: 'supervisor' as const })),
  ...['"security deposit"', '"medical bills"', '"court date"', '"settlement offer" deadline'].map((q) => ({ q, as: 'supervisor' as const })),
  ...['contrato', 'audiencia', 'desahucio', '"fecha del juicio"', 'abogado documentos', 'herencia'].map((q) => ({ q, as: 'supervisor' as const })),
  ...['depos', 'settlem', 'arrend', '2024-CV-0042', 'PX-77812', '1HGCM82633'].map((q) => ({ q, as: 'supervisor' as const })),
  ...['documents', 'subpoena', 'lease', '"security deposit"'].map((q) => ({ q, as: 'supervisor' as const, matter: 'B-00012' })),
  ...['payment', 'affidavit', 'contrato'].map((q) => ({ q, as: 'supervisor' as const, byLawyer2: true })),
  ...['documents', 'court', 'subpoena', 'Okonkwo', '"medical bills"', 'audiencia', 'depos', 'lease', 'foreclosure', 'tomorrow morning'].map((q) => ({ q, as: 'lawyer' as const })),
  ...['hearing', 'garnishment'].map((q) => ({ q, as: 'lawyer' as const, matter: 'B-00016' })),
  { q: 'Zbigniew', as: 'lawyer' },
];

export interface SearchFigures {
  messages: number;
  generateMs: number;
  queries: number;
  app: { p50: number; p95: number; max: number; supervisorP95: number; lawyerP95: number };
  raw: { p50: number; p95: number; max: number };
  slowest: { query: string; ms: number; rawMs: number; hits: number }[];
  /** The parts of one API search, called in-process on the same queries: where its time goes. */
  parts: Record<'messages' | 'contacts' | 'audit' | 'messagesNoJit' | 'contactsNoJit', { p50: number; p95: number }>;
}

export async function generateMessages(options: { databaseUrl: string; count: number; log(line: string): void }): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const users = await client.query<{ email: string; id: string; firmId: string }>(`SELECT email, id, "firmId" FROM "User"`);
    const user = (email: string) => users.rows.find((row) => row.email === email)!;
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query(`ALTER TABLE "Message" DISABLE TRIGGER message_search`);
    await client.query(`DROP INDEX "Message_searchVector_idx"`);
    await client.query(`DROP INDEX "Message_text_idx"`);
    const chunk = 100_000;
    for (let from = 0; from < options.count; from += chunk) {
      const to = Math.min(options.count, from + chunk) - 1;
      // Each row: a conversation of a known client; six in ten from the client; a skewed draw of 5 to 27 words in
      // the client's language, now and then a rare word; the search columns filled as the trigger would.
      await client.query(
        `INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", "identityId", direction, "providerMessageId", text,
                                status, "authorUserId", "sentAt", "capturedAt", "searchConfig", "searchVector")
         SELECT 'bm-' || g, $1, $2, 'bench-conv-' || c, 'bench-identity-' || c,
                (CASE WHEN g % 5 < 3 THEN 'inbound' ELSE 'outbound' END)::"MessageDirection", 'bm.' || g, t.text,
                (CASE WHEN g % 5 < 3 THEN 'received' ELSE 'read' END)::"MessageStatus",
                CASE WHEN g % 5 < 3 THEN NULL WHEN c % 4 = 0 THEN $3 ELSE $4 END,
                at, at, cfg, to_tsvector(cfg::regconfig, t.text)
           FROM generate_series($5::int, $6::int) g
           CROSS JOIN LATERAL (SELECT ((g::bigint * 7919) % 1000)::int AS c, now() - g * interval '90 seconds' AS at) k
           CROSS JOIN LATERAL (SELECT CASE WHEN k.c % 10 = 0 THEN 'spanish' ELSE 'english' END AS cfg,
                                      CASE WHEN k.c % 10 = 0 THEN $8::text[] ELSE $7::text[] END AS words) l
           CROSS JOIN LATERAL (
             SELECT array_to_string(ARRAY(
                      SELECT l.words[1 + floor(power(random(), 2.5) * array_length(l.words, 1))::int]
                        FROM generate_series(1, 5 + g % 23)), ' ')
                    || CASE WHEN random() < 0.003 THEN ' ' || ($9::text[])[1 + floor(random() * array_length($9::text[], 1))::int] ELSE '' END
                    AS text) t`,
        [user('lawyer@demo.test').firmId, whatsapp.accountId, user('lawyer@demo.test').id, user('lawyer2@demo.test').id, from, to, english, spanish, rare],
      );
      options.log(`search: ${(to + 1).toLocaleString('en-US')} messages generated`);
    }
    options.log('search: building the full-text and trigram indexes');
    await client.query(`CREATE INDEX "Message_searchVector_idx" ON "Message" USING GIN ("searchVector")`);
    await client.query(`CREATE INDEX "Message_text_idx" ON "Message" USING GIN ("text" gin_trgm_ops)`);
    await client.query(`ALTER TABLE "Message" ENABLE TRIGGER message_search`);
    await client.query(`VACUUM ANALYZE "Message"`);
  } finally {
    await client.end();
  }
  return performance.now() - started;
}

const patternOf = (query: string) => `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The query as a person at the database would write it, and as the application did before it ranked in tiers of time
 * (issue 8): every match of the candidate union ranked, top 20. A reference for what ranking every match costs.
 */
async function rawSearch(pool: pg.Pool, firmId: string, viewerId: string, query: SearchQuery, lawyer2Id: string): Promise<number> {
  const params: unknown[] = [firmId, query.q, patternOf(query.q)];
  const add = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (query.as === 'lawyer') where.push(`EXISTS (SELECT 1 FROM "MatterMember" mm WHERE mm."matterId" = c."matterId" AND mm."userId" = ${add(viewerId)})`);
  if (query.matter) where.push(`mt.number = ${add(query.matter)}`);
  if (query.byLawyer2) {
    const lawyer = add(lawyer2Id);
    where.push(`(m."authorUserId" = ${lawyer} OR EXISTS (SELECT 1 FROM "MatterMember" fm WHERE fm."matterId" = c."matterId" AND fm."userId" = ${lawyer}))`);
  }
  const partial = query.q.length >= 3;
  const result = await pool.query(
    `WITH q AS (SELECT websearch_to_tsquery('english', $2) AS en, websearch_to_tsquery('spanish', $2) AS es),
     candidates AS (
       SELECT m.id FROM "Message" m, q WHERE m."searchVector" @@ q.es AND m."searchConfig" = 'spanish' AND m."firmId" = $1
       UNION SELECT m.id FROM "Message" m, q WHERE m."searchVector" @@ q.en AND m."searchConfig" IS DISTINCT FROM 'spanish' AND m."firmId" = $1
       ${partial ? 'UNION SELECT m.id FROM "Message" m WHERE m.text ILIKE $3 AND m."firmId" = $1' : ''}
     )
     SELECT m.id, ts_rank_cd(m."searchVector", CASE WHEN m."searchConfig" = 'spanish' THEN q.es ELSE q.en END, 32) AS rank
       FROM candidates k JOIN "Message" m ON m.id = k.id JOIN "Conversation" c ON c.id = m."conversationId"
       LEFT JOIN "Matter" mt ON mt.id = c."matterId" CROSS JOIN q
      WHERE TRUE ${where.map((part) => `AND ${part}`).join(' ')} ${partial ? '' : 'AND $3::text IS NOT NULL'}
      ORDER BY rank DESC, m."sentAt" DESC LIMIT 20`,
    params,
  );
  return result.rowCount ?? 0;
}

/**
 * The three things GET /api/search does, timed one by one with the application's own functions: the message query,
 * the contact query and the audit event; the two queries also with PostgreSQL's JIT compiler off, which their cost
 * estimates switch on.
 */
async function timeParts(databaseUrl: string, viewers: Record<'supervisor' | 'lawyer', Viewer>, lawyer2Id: string): Promise<SearchFigures['parts']> {
  const pools = { jit: new pg.Pool({ connectionString: databaseUrl, max: 1 }), noJit: new pg.Pool({ connectionString: databaseUrl, max: 1, options: '-c jit=off' }) };
  const times: Record<keyof SearchFigures['parts'], number[]> = { messages: [], contacts: [], audit: [], messagesNoJit: [], contactsNoJit: [] };
  const timed = async (into: number[], work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    into.push(performance.now() - started);
  };
  try {
    // One pass: the caches are warm from the passes through the API before.
    for (const query of searchQueries) {
      const viewer = viewers[query.as];
      const filters = { ...(query.matter ? { matter: query.matter } : {}), ...(query.byLawyer2 ? { lawyer: lawyer2Id } : {}) };
      const range = resolveDateRange({}, 'America/New_York');
      for (const [pool, messages, contacts] of [
        [pools.jit, times.messages, times.contacts],
        [pools.noJit, times.messagesNoJit, times.contactsNoJit],
      ] as const) {
        await timed(messages, () => searchMessages({ pool, viewer, query: query.q, filters, range, limit: 20 }));
        await timed(contacts, () => findContacts({ pool, viewer, query: query.q, filters, limit: 10 }));
      }
      await timed(times.audit, () =>
        recordAudit(pools.jit, { firmId: viewer.firmId, actorUserId: viewer.userId, actorKind: 'user', action: 'search.performed', subjectType: 'firm', subjectId: viewer.firmId, details: { query: query.q, bench: true } }),
      );
    }
  } finally {
    await Promise.all([pools.jit.end(), pools.noJit.end()]);
  }
  const summary = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
  return {
    messages: summary(times.messages),
    contacts: summary(times.contacts),
    audit: summary(times.audit),
    messagesNoJit: summary(times.messagesNoJit),
    contactsNoJit: summary(times.contactsNoJit),
  };
}

export async function runSearch(options: { config: BenchConfig; pair: MatterlinePair; databaseUrl: string; messages: number; generateMs: number; log(line: string): void }): Promise<SearchFigures> {
  const { pair } = options;
  const supervisor = await signIn(pair.url, 'supervisor@demo.test');
  const lawyer = await signIn(pair.url, 'lawyer@demo.test');
  const ids = await pair.pool.query<{ email: string; id: string; firmId: string }>(`SELECT email, id, "firmId" FROM "User"`);
  const lawyer2Id = ids.rows.find((row) => row.email === 'lawyer2@demo.test')!.id;
  const firmId = ids.rows[0]!.firmId;
  const viewers = {
    supervisor: { userId: supervisor.userId, firmId, role: 'supervisor' as const },
    lawyer: { userId: lawyer.userId, firmId, role: 'lawyer' as const },
  };

  const appQuery = async (query: SearchQuery): Promise<{ ms: number; hits: number }> => {
    const params = new URLSearchParams({ q: query.q });
    if (query.matter) params.set('matter', query.matter);
    if (query.byLawyer2) params.set('lawyer', lawyer2Id);
    const session = query.as === 'supervisor' ? supervisor : lawyer;
    const started = performance.now();
    const response = await fetch(`${pair.url}/api/search?${params}`, { headers: { cookie: session.cookie } });
    const body = (await response.json()) as { items?: unknown[] };
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`search "${query.q}" answered ${response.status}: ${JSON.stringify(body)}`);
    return { ms, hits: body.items?.length ?? 0 };
  };
  const rawQuery = async (query: SearchQuery): Promise<number> => {
    const started = performance.now();
    await rawSearch(pair.pool, firmId, query.as === 'supervisor' ? supervisor.userId : lawyer.userId, query, lawyer2Id);
    return performance.now() - started;
  };

  // The API's passes and the in-process parts come before the raw SQL: ranking every match of a common word reads
  // hundreds of thousands of rows, which would push the newest messages (what the application reads) out of the
  // caches between one API search and the next, as nothing in production does.
  options.log(`search: ${searchQueries.length} queries through the API, a warm-up pass then two measured passes`);
  for (const query of searchQueries) await appQuery(query);
  const app: { query: SearchQuery; ms: number; hits: number }[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const query of searchQueries) app.push({ query, ...(await appQuery(query)) });
  }
  options.log('search: timing the parts of a search in-process (message query, contact query, audit; JIT on and off)');
  const parts = await timeParts(options.databaseUrl, viewers, lawyer2Id);
  options.log(`search: the same queries as raw SQL ranking every match, a warm-up pass then two measured passes`);
  for (const query of searchQueries) await rawQuery(query);
  const raw: { query: SearchQuery; ms: number }[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const query of searchQueries) raw.push({ query, ms: await rawQuery(query) });
  }
  const times = (rows: { query: SearchQuery; ms: number }[], as?: 'supervisor' | 'lawyer') => rows.filter((row) => !as || row.query.as === as).map((row) => row.ms);
  const label = (query: SearchQuery) =>
    `${query.q} (${query.as}${query.matter ? `, matter ${query.matter}` : ''}${query.byLawyer2 ? ', lawyer filter' : ''})`;
  const slowest = [...app]
    .sort((a, b) => b.ms - a.ms)
    .filter((row, index, all) => all.findIndex((other) => other.query === row.query) === index)
    .slice(0, 5)
    .map((row) => ({
      query: label(row.query),
      ms: row.ms,
      hits: row.hits,
      rawMs: Math.max(...raw.filter((other) => other.query === row.query).map((other) => other.ms)),
    }));
  return {
    parts,
    messages: options.messages,
    generateMs: options.generateMs,
    queries: searchQueries.length,
    app: {
      p50: percentile(times(app), 50),
      p95: percentile(times(app), 95),
      max: percentile(times(app), 100),
      supervisorP95: percentile(times(app, 'supervisor'), 95),
      lawyerP95: percentile(times(app, 'lawyer'), 95),
    },
    raw: { p50: percentile(times(raw), 50), p95: percentile(times(raw), 95), max: percentile(times(raw), 100) },
    slowest,
  };
}
