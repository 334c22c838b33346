import { emptyQuerySchema, legalHoldSchema, markPrivilegeSchema, privilegeLogQuerySchema, withdrawPrivilegeSchema, matterFileQuerySchema, reviewQuerySchema, rsmfQuerySchema, savedSearchSchema, searchCsvQuerySchema, searchQuerySchema } from '../supervision/supervision-schemas.js';
import { idParamsSchema } from '../api/api-schemas.js';
import type { PathItems } from './helpers.js';
import { arrayOf, bool, buildPaths, file, int, nullable, obj, ok, page, ref, str } from './helpers.js';
import { auditQuerySchema } from '../supervision/audit-log-routes.js';
import { emptyBodySchema } from '../api/api-schemas.js';

// The supervisor's view: search, a matter's file and its export, legal holds, and the file review report.

const csv = (what: string) => file(`${what}, one row per line with a header row`, 'text/csv');

export const supervisionPaths: PathItems = buildPaths('supervision', {
  '/api/search.csv': {
    get: {
      summary: 'The same search as CSV (RFC 4180; formula-like cells made text): every result you may see, up to 2,000; x-matterline-truncated says when there were more (each page read is an audit event)',
      query: searchCsvQuerySchema,
      responses: { 200: file('the results as CSV', 'text/csv') },
    },
  },
  '/api/search': {
    get: {
      summary: 'Search the record you may see: messages (with highlighted snippets) and, on the first page, contacts (an audit event)',
      description:
        'Messages come best first within tiers of time: the newest 200 matches ranked together by full-text rank, then ' +
        'newest (fewer, but at least 100 or a page, when the rest lie far back); then the next older tier, and so on. A query ' +
        'with fewer matches is ranked as a whole. A whole word that full-text search finds is not also searched as a ' +
        'partial word ("lease" does not find "release"; "eleas" does). nextCursor pages through every hit once, within ' +
        'the tiers the first page began, whatever arrives meanwhile.',
      query: searchQuerySchema,
      responses: { 200: ok('a page of hits', ref('SearchResult')) },
    },
  },
  '/api/searches': {
    get: { summary: 'Your saved searches, by name (each person\'s own)', query: emptyQuerySchema, responses: { 200: ok('the saved searches', { type: 'object', properties: { items: { type: 'array', items: ref('SavedSearch') } }, required: ['items'] }) } },
    post: {
      summary: 'Save a search under a name (up to 50 each); running it is an ordinary search of what you may see then',
      body: savedSearchSchema,
      responses: { 201: ok('saved', ref('SavedSearch')) },
      errors: [409],
    },
  },
  '/api/searches/{id}': {
    delete: { summary: 'Delete one of your saved searches', params: idParamsSchema, responses: { 204: ok('deleted') }, errors: [404] },
  },
  '/api/audit': {
    get: {
      summary: 'The firm\'s audit log, newest first, by person, matter, action (or its start) and days (supervisor, admin; the read is audited)',
      query: auditQuerySchema,
      responses: { 200: ok('a page of events', page(ref('AuditEvent'))) },
      errors: [403],
    },
  },
  '/api/audit/verify': {
    post: {
      summary: 'Verify the hash chain of the audit log; names the first broken link (supervisor, admin; audited)',
      body: emptyBodySchema,
      responses: { 200: ok('the verdict', { type: 'object', properties: { ok: { type: 'boolean' }, count: int, brokenAtId: { type: 'string' }, reason: { type: 'string' } }, required: ['ok', 'count'] }) },
      errors: [403],
    },
  },
  '/api/matters/{id}/file': {
    get: {
      summary: 'A matter\'s file: its heading and one page of its timeline, oldest first (an audit event)',
      query: matterFileQuerySchema,
      responses: { 200: ok('the file', ref('MatterFile')) },
      errors: [404],
    },
  },
  '/api/matters/{id}/export': {
    get: {
      summary: 'The matter\'s export: a ZIP of its messages, media and a manifest, streamed (an audit event)',
      description: 'The ZIP\'s size is not known in advance; a connection cut before the end leaves a visibly incomplete ZIP.',
      query: emptyQuerySchema,
      responses: {
        200: file('the ZIP', 'application/zip', { 'x-export-messages': { description: 'how many messages the export holds', schema: int } }),
      },
      errors: [404],
    },
  },
  '/api/matters/{id}/transcript.pdf': {
    get: {
      summary: 'The matter\'s transcript as a PDF: every event in words, in the firm\'s time zone, streamed (an audit event)',
      description: 'The same transcript the ZIP export holds as transcript.html and transcript.pdf; attachments are named, not embedded.',
      query: emptyQuerySchema,
      responses: {
        200: file('the PDF', 'application/pdf', { 'x-export-messages': { description: 'how many messages the transcript holds', schema: int } }),
      },
      errors: [404],
    },
  },
  '/api/search.rsmf': {
    get: {
      summary: 'The messages a search found (up to 2,000) as an RSMF 2.0 production (each page of the search and the export audited)',
      description: 'The same file as a matter\'s export.rsmf, over the search\'s hits; messages marked privileged are withheld unless privileged=include.',
      query: searchCsvQuerySchema,
      responses: {
        200: file('the .rsmf file', 'application/rsmf', {
          'x-export-messages': { description: 'how many events the manifest holds', schema: int },
          'x-matterline-truncated': { description: 'present when the search found more than 2,000 messages', schema: str },
        }),
      },
      errors: [400],
    },
  },
  '/api/matters/{id}/export.rsmf': {
    get: {
      summary: 'The matter\'s messages in Relativity Short Message Format 2.0, for eDiscovery review platforms (an audit event)',
      description:
        'An RFC 5322 message (.rsmf) with X-RSMF-* headers and one base64 attachment, rsmf.zip, holding rsmf_manifest.json and the attached files. ' +
        'Sliced by from/to (days of the firm\'s calendar or ISO 8601 instants) and optionally one conversation of the matter; messages marked privileged are withheld unless privileged=include.',
      query: rsmfQuerySchema,
      responses: {
        200: file('the .rsmf file', 'application/rsmf', { 'x-export-messages': { description: 'how many events the manifest holds', schema: int } }),
      },
      errors: [400, 404],
    },
  },
  '/api/matters/{id}/privilege': {
    get: { summary: 'The matter\'s standing privilege marks', query: emptyQuerySchema, responses: { 200: ok('the marks', obj({ marks: arrayOf(ref('PrivilegeMark')) })) }, errors: [404] },
    post: {
      summary: 'Mark messages of the matter, or one whole conversation, privileged (a lawyer or supervisor on the matter; audited)',
      description: 'Marked messages are withheld from RSMF productions and listed in the privilege log. The description is what the log says of them: it must not reveal the content.',
      body: markPrivilegeSchema,
      responses: { 201: ok('the new marks', obj({ marks: arrayOf(ref('PrivilegeMark')) })) },
      errors: [400, 403, 404, 409],
    },
  },
  '/api/privilege/{id}': {
    delete: { summary: 'Withdraw a privilege mark, with the reason (audited; the mark stays in the record as withdrawn)', body: withdrawPrivilegeSchema, responses: { 200: ok('withdrawn', obj({ withdrawn: bool })) }, errors: [400, 403, 404, 409] },
  },
  '/api/matters/{id}/privilege-log': {
    get: {
      summary: 'The matter\'s privilege log: each withheld message with date, author, recipients, type, privilege asserted and a description that does not reveal it (audited)',
      query: privilegeLogQuerySchema,
      responses: {
        200: {
          description: 'the log, as JSON, or as CSV with format=csv',
          content: {
            'application/json': { schema: obj({ matter: nullable(obj({ id: str, number: str, title: str, client: str })), entries: arrayOf(ref('PrivilegeLogEntry')) }) },
            'text/csv': { schema: { type: 'string' } },
          },
        },
      },
      errors: [404],
    },
  },
  '/api/matters/{id}/legal-hold': {
    post: { summary: 'Place the matter on legal hold: retention never purges it (supervisor)', body: legalHoldSchema, responses: { 200: ok('on hold', ref('LegalHold')) }, errors: [404, 409] },
    delete: { summary: 'Lift the matter\'s legal hold (supervisor)', body: legalHoldSchema, responses: { 200: ok('lifted', ref('LegalHold')) }, errors: [404, 409] },
  },
  '/api/review/matters': {
    get: { summary: 'File review report per matter: traffic, first responses, consent, unbilled time (admin, supervisor)', query: reviewQuerySchema, responses: { 200: ok('the report', ref('MatterReview')) }, errors: [403] },
  },
  '/api/review/matters.csv': {
    get: { summary: 'The file review report per matter as CSV (admin, supervisor)', query: reviewQuerySchema, responses: { 200: csv('the report') }, errors: [403] },
  },
  '/api/review/lawyers': {
    get: { summary: 'File review report per person (admin, supervisor)', query: reviewQuerySchema, responses: { 200: ok('the report', ref('LawyerReview')) }, errors: [403] },
  },
  '/api/review/lawyers.csv': {
    get: { summary: 'The file review report per person as CSV (admin, supervisor)', query: reviewQuerySchema, responses: { 200: csv('the report') }, errors: [403] },
  },
});
