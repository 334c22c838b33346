import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartRoutes } from '../../src/http/api/conversation-routes.js';
import { createAccountSchema } from '../../src/http/admin/account-routes.js';
import { templateParamsSchema } from '../../src/http/admin/firm-admin-routes.js';
import { listEntriesQuerySchema } from '../../src/http/time/time-schemas.js';
import { createNoticeSchema } from '../../src/core/notices/notice-schemas.js';
import { schemaOf } from '../../src/http/openapi/helpers.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { repoRoot, startTestMatterline } from '../support/matterline.js';
import { contractProblem } from '../support/openapi-contract.js';
import { openApiDocument } from '../../src/http/openapi.js';
import type { RouteListing } from '../support/mounted-routes.js';
import { mountedRoutes, openApiPathOf } from '../support/mounted-routes.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// GET /api/openapi.json against the running app: a well-formed OpenAPI 3.1 document, complete both ways (every /api
// route express mounts is described, and everything described is mounted), and truthful about sessions and CSRF.

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, Json>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  tags: { name: string }[];
  components: { securitySchemes: Record<string, Json>; schemas: Record<string, Json>; responses: Record<string, Json> };
  paths: Record<string, Record<string, Operation>>;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const stateChanging = new Set(['post', 'put', 'patch', 'delete']);

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));

const hasCsrfHeader = (operation: Operation) => (operation.parameters ?? []).some((p) => p.in === 'header' && p.name === 'x-csrf-token');

/** What is mounted under /api but not described, and what is described but not mounted, as "METHOD /path". */
function compare(listing: RouteListing, document: Document) {
  const mounted = new Set(listing.routes.filter((route) => route.path === '/api' || route.path.startsWith('/api/')).map((route) => `${route.method} ${openApiPathOf(route.path)}`));
  const documented = new Set(operationsOf(document).map(({ path, method }) => `${method.toUpperCase()} ${path}`));
  return {
    mounted,
    undocumented: [...mounted].filter((route) => !documented.has(route)).sort(),
    notMounted: [...documented].filter((route) => !mounted.has(route)).sort(),
    // Routers the walk cannot see into must not be where /api routes could hide.
    unlisted: listing.unlisted.filter((entry) => entry.prefix === '' || entry.prefix.startsWith('/api')),
  };
}

/** A concrete URL of a documented path: every parameter filled with a value its schema accepts. */
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_all, name: string) => ({ kind: 'help', language: 'en', address: '%2B15550100001' })[name] ?? 'x1');

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

const resolve = (document: Document, pointer: string): unknown =>
  pointer
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Json)[part] : undefined), document);

describe('the published API description', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let document: Document;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'postgres' });
    admin = await signedIn(app.url!, 'admin@demo.test');
    const response = await fetch(`${app.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = (await response.json()) as Document;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('is a well-formed OpenAPI 3.1 document', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(document.components.securitySchemes.session).toEqual({ type: 'apiKey', in: 'cookie', name: 'ml_session' });
    const tags = new Set(document.tags.map((tag) => tag.name));
    const operationIds = new Set<string>();
    for (const { path, method, operation } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(path, where).toMatch(/^\/api\/[\w\-./{}]+$/);
      expect(httpMethods, where).toContain(method);
      expect(operation.summary, where).toMatch(/\w/);
      expect(operation.operationId, where).toMatch(/^\w+$/);
      expect(operationIds.has(operation.operationId!), `${where}: operationId ${operation.operationId} is taken`).toBe(false);
      operationIds.add(operation.operationId!);
      for (const tag of operation.tags ?? []) expect(tags, `${where}: tag ${tag}`).toContain(tag);
      expect(Array.isArray(operation.security), `${where}: security`).toBe(true);
      for (const requirement of operation.security!) for (const scheme of Object.keys(requirement)) expect(document.components.securitySchemes, where).toHaveProperty([scheme]);

      // Every {name} of the path is a required path parameter, and every path parameter is in the path.
      const parameters = operation.parameters ?? [];
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect(parameters.filter((p) => p.in === 'path').map((p) => p.name).sort(), where).toEqual(inPath);
      for (const parameter of parameters) {
        expect(['path', 'query', 'header', 'cookie'], where).toContain(parameter.in);
        if (parameter.in === 'path') expect(parameter.required, `${where}: ${parameter.name}`).toBe(true);
        expect(parameter.schema, `${where}: ${parameter.name}`).toEqual(expect.any(Object));
      }
      expect(new Set(parameters.map((p) => `${p.in} ${p.name}`)).size, `${where}: a parameter twice`).toBe(parameters.length);
      if (operation.requestBody) {
        // JSON everywhere; multipart/form-data as well only where the route reads files (the routes say which).
        const multipart = multipartRoutes.some((route) => route.test(path.replace(/\{\w+\}/g, 'x')));
        expect(Object.keys(operation.requestBody.content), where).toEqual(multipart ? ['application/json', 'multipart/form-data'] : ['application/json']);
        expect(operation.requestBody.content['application/json']!.schema, where).toEqual(expect.any(Object));
      }

      const statuses = Object.keys(operation.responses);
      expect(statuses.length, where).toBeGreaterThan(0);
      for (const status of statuses) expect(status, where).toMatch(/^[1-5]\d\d$/);
      expect(statuses.some((status) => status.startsWith('2')), `${where}: a success answer`).toBe(true);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response.$ref) continue;
        expect(response.description, `${where} ${status}`).toMatch(/\w/);
        for (const mediaType of Object.keys((response.content as Json | undefined) ?? {})) expect(mediaType, `${where} ${status}`).toMatch(/^[\w*.+-]+\/[\w*.+-]+$/);
      }
      // What every route shares: a session route can answer 401; a CSRF-guarded one, 403; a JSON body, 413 and 415.
      if (operation.security!.length > 0) expect(statuses, where).toContain('401');
      if (hasCsrfHeader(operation)) expect(statuses, where).toEqual(expect.arrayContaining(['401', '403']));
      if (stateChanging.has(method)) expect(statuses, where).toEqual(expect.arrayContaining(['400', '413', '415']));
    }
    // Every $ref points at something in the document.
    for (const pointer of refsIn(document)) {
      expect(pointer, pointer).toMatch(/^#\//);
      expect(resolve(document, pointer), pointer).toBeDefined();
    }
  });

  it('describes every /api route the running app mounts, and only those', () => {
    expect(app.app).toBeDefined();
    const result = compare(mountedRoutes(app.app!), document);
    expect(result.unlisted).toEqual([]);
    expect(result.mounted.size).toBeGreaterThan(80);
    expect(result.undocumented, 'mounted under /api but missing from src/http/openapi/').toEqual([]);
    expect(result.notMounted, 'described in src/http/openapi/ but not mounted').toEqual([]);
  });

  it('would notice a new route that nobody described (the check itself)', () => {
    const probe = express();
    const nested = Router();
    nested.get('/api/reports/:id', (_req, res) => void res.end());
    probe.use(Router().post('/api/not-described', (_req, res) => void res.end()));
    probe.use(Router().use(nested));
    probe.use('/api/v2', Router().patch('/things/:thingId', (_req, res) => void res.end()));
    probe.get('/api/openapi.json', (_req, res) => void res.end());
    probe.get('/elsewhere', (_req, res) => void res.end());
    const result = compare(mountedRoutes(probe), document);
    expect(result.undocumented).toEqual(['GET /api/reports/{id}', 'PATCH /api/v2/things/{thingId}', 'POST /api/not-described']);
    expect(result.notMounted).toContain('GET /api/auth/session');
    expect(result.notMounted).not.toContain('GET /api/openapi.json');
  });

  // One request at a time: the database server is shared with other tests, and this is about answers, not load.
  it('is truthful about sessions: every secured route refuses a stranger, and the open ones do not ask', async () => {
    const answers: { route: string; secured: boolean; status: number }[] = [];
    for (const { path, method, operation } of operationsOf(document)) {
      const response = await fetch(`${app.url}${concrete(path)}`, {
        method: method.toUpperCase(),
        ...(stateChanging.has(method) ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      await response.body?.cancel();
      answers.push({ route: `${method.toUpperCase()} ${path}`, secured: operation.security!.length > 0, status: response.status });
    }
    expect(answers.filter((answer) => answer.secured && answer.status !== 401)).toEqual([]);
    expect(answers.filter((answer) => !answer.secured && (answer.status === 401 || answer.status >= 500))).toEqual([]);
  });

  it('is truthful about CSRF: the routes documented with x-csrf-token refuse a session without it, the others do not', async () => {
    const answers: { route: string; documented: boolean; refused: boolean; status: number }[] = [];
    for (const { path, method, operation } of operationsOf(document).filter((one) => stateChanging.has(one.method))) {
      const response = await admin.request<{ error?: string }>(method.toUpperCase(), concrete(path), { csrf: false, body: {} });
      const refused = response.status === 403 && response.body?.error === 'csrf_failed';
      answers.push({ route: `${method.toUpperCase()} ${path}`, documented: hasCsrfHeader(operation), refused, status: response.status });
    }
    expect(answers.length).toBeGreaterThan(40);
    expect(answers.filter((answer) => answer.documented !== answer.refused)).toEqual([]);
    expect(answers.filter((answer) => !answer.documented).map((answer) => answer.route).sort()).toEqual([
      'POST /api/auth/login',
      'POST /api/auth/password-reset',
      'POST /api/simulator/{accountId}/inbound',
    ]);
  });

  it('generates parameters and bodies from the zod schemas the routes validate with', () => {
    const body = (path: string, method: string) => document.paths[path]![method]!.requestBody!.content['application/json']!.schema;
    expect(body('/api/notices', 'post')).toEqual(schemaOf(createNoticeSchema));
    const account = body('/api/admin/accounts', 'post');
    expect(account).toMatchObject(schemaOf(createAccountSchema));
    expect((account.allOf as Json[]).map((rule) => (rule.if as { properties: { kind: { const: string } } }).properties.kind.const).sort()).toEqual(
      ['baileys', 'signal', 'simulator', 'twilio', 'whatsapp-cloud', 'whatsapp-web'],
    );
    const template = document.paths['/api/admin/templates/{kind}/{language}']!.put!.parameters!;
    expect(template.find((p) => p.name === 'kind')!.schema).toEqual(schemaOf(templateParamsSchema.shape.kind));
    const entries = document.paths['/api/time/entries']!.get!.parameters!;
    expect(entries.map((p) => p.name)).toEqual(Object.keys(listEntriesQuerySchema.shape));
    expect(entries.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', maximum: 200, default: 100 } });
    // A body the route accepts empty is not required; one it does not is.
    expect(document.paths['/api/conversations/{id}/read']!.post!.requestBody!.required).toBe(false);
    expect(document.paths['/api/time/entries/{id}/write-off']!.post!.requestBody!.required).toBe(true);
  });

  it('gives files and streams their media types, as the routes send them', async () => {
    const mediaTypes = (path: string) => Object.keys((document.paths[path]!.get!.responses['200']!.content as Json | undefined) ?? {});
    expect(mediaTypes('/api/time/export.ledes')).toEqual(['text/plain']);
    expect(mediaTypes('/api/time/export.csv')).toEqual(['text/csv']);
    expect(mediaTypes('/api/time/exports/{id}')).toEqual(['text/plain', 'text/csv']);
    expect(mediaTypes('/api/time/exports/{id}.ledes')).toEqual(['text/plain']);
    expect(mediaTypes('/api/time/exports/{id}.csv')).toEqual(['text/csv']);
    expect(mediaTypes('/api/time/report.csv')).toEqual(['text/csv']);
    expect(mediaTypes('/api/review/matters.csv')).toEqual(['text/csv']);
    expect(mediaTypes('/api/review/lawyers.csv')).toEqual(['text/csv']);
    expect(mediaTypes('/api/matters/{id}/export')).toEqual(['application/zip']);
    expect(mediaTypes('/api/events')).toEqual(['text/event-stream']);
    expect(mediaTypes('/api/admin/accounts/{id}/qr.svg')).toEqual(['image/svg+xml']);
    expect(mediaTypes('/api/attachments/{id}')).toEqual(['*/*']);

    const csv = await fetch(`${app.url}/api/review/lawyers.csv`, { headers: { cookie: admin.cookie! } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    await csv.body?.cancel();
    const report = await fetch(`${app.url}/api/time/report.csv?from=2026-01-01&to=2026-01-31`, { headers: { cookie: admin.cookie! } });
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/);
    await report.body?.cancel();
    const events = new AbortController();
    const stream = await fetch(`${app.url}/api/events`, { headers: { cookie: admin.cookie! }, signal: events.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    events.abort();
  });
});

describe('the OpenAPI document, checked by the ecosystem\'s tools', () => {
  it('passes Redocly\'s lint with no error, and names its server', () => {
    expect(openApiDocument.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'matterline-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(openApiDocument));
    const lint = spawnSync(path.join(repoRoot, 'node_modules/.bin/redocly'), ['lint', file, '--format=json'], { encoding: 'utf8', timeout: 120_000 });
    expect(lint.status, lint.stderr).toBe(0);
    const report = JSON.parse(lint.stdout) as { totals: { errors: number } };
    expect(report.totals.errors).toBe(0);
  });

  it('catches a response that breaks it (the contract check that every ApiClient response goes through)', () => {
    expect(contractProblem('GET', '/api/admin/users', 200, { items: [] })).toBeNull();
    expect(contractProblem('GET', '/api/admin/users', 200, { items: [{ id: 1 }] })).toMatchObject({ operation: 'GET /api/admin/users', status: 200, problem: expect.stringMatching(/must be string/) });
    expect(contractProblem('GET', '/api/admin/users', 418, {})?.problem).toMatch(/418 is not declared/);
    expect(contractProblem('GET', '/api/nowhere', 200, {})?.problem).toBe('no documented path matches');
    expect(contractProblem('GET', '/api/admin/users', 401, { error: 'unauthenticated', message: 'sign in first' })).toBeNull();
    expect(contractProblem('GET', '/api/admin/users', 401, { message: 'no error code' })?.problem).toMatch(/error/);
  });
});
