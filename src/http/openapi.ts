import { Router } from 'express';
import { z } from 'zod';
import {
  assignConversationSchema,
  createClientSchema,
  createMatterSchema,
  idSchema,
  inviteUserSchema,
  listConversationsQuerySchema,
  listMattersQuerySchema,
  listMessagesQuerySchema,
  loginSchema,
  passwordResetSchema,
  sendMessageSchema,
  totpCodeSchema,
} from './api/api-schemas.js';

// The published description of the JSON API (OpenAPI 3.1, whose schemas are JSON Schema 2020-12). Request bodies and
// parameters are generated from the same zod schemas the routes validate with, so the two cannot drift; responses
// are written here by hand.

type JsonSchema = Record<string, unknown>;

const schemaOf = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const jsonBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } });

const queryParameters = (schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: schemaOf(field as z.ZodType),
  }));

const idParameter = { name: 'id', in: 'path', required: true, schema: schemaOf(idSchema) };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema?: JsonSchema) => ({
  description,
  ...(schema ? { content: { 'application/json': { schema } } } : {}),
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));

const dateTime = { type: 'string', format: 'date-time' };
const nullable = (schema: JsonSchema) => ({ anyOf: [schema, { type: 'null' }] });
const page = (item: JsonSchema) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: item }, nextCursor: nullable({ type: 'string' }) },
});
const list = (item: JsonSchema) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: item } } });

const stateChanging = { parameters: [{ name: 'x-csrf-token', in: 'header', required: true, schema: { type: 'string' } }] };
const signedIn = [{ session: [] }];

const errorStatuses = { 400: 'bad input', 401: 'not signed in', 403: 'not allowed, or CSRF token missing', 404: 'not found, or not visible to you', 409: 'conflict', 429: 'too many attempts' };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Matterline API',
    version: '0.1.0',
    description:
      'The lawyers\' inbox. Sign in with POST /api/auth/login; the session lives in the httpOnly cookie ml_session. Every POST ' +
      'except login, password-reset and the simulator carries the session\'s CSRF token in x-csrf-token. Items you may not see ' +
      'answer 404, never 403. Every error is {error, message, details?}.',
  },
  components: {
    securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'ml_session' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error', 'message'],
        properties: { error: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
      },
      User: {
        type: 'object',
        required: ['id', 'email', 'name', 'role'],
        properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { enum: ['admin', 'supervisor', 'lawyer', 'staff'] } },
      },
      SignedIn: { type: 'object', required: ['user', 'csrfToken'], properties: { user: ref('User'), csrfToken: { type: 'string' } } },
      ConversationSummary: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: nullable({ type: 'string' }),
          contact: { type: 'object' },
          matter: nullable({ type: 'object', properties: { id: { type: 'string' }, number: { type: 'string' }, title: { type: 'string' } } }),
          needsTriage: { type: 'boolean' },
          lastMessageAt: nullable(dateTime),
          unreadCount: { type: 'integer' },
        },
      },
      ConversationDetail: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          account: { type: 'object' },
          contact: nullable({ type: 'object', properties: { address: { type: 'string' }, consentState: { enum: ['unknown', 'requested', 'opted_in', 'opted_out'] }, blocked: { type: 'boolean' }, revocationPending: { type: 'boolean' } } }),
          client: nullable({ type: 'object' }),
          matter: nullable({ type: 'object' }),
          flags: { type: 'object', properties: { needsTriage: { type: 'boolean' }, routingNeedsConfirmation: { type: 'boolean' }, privilegeRisk: { type: 'boolean' } } },
          unreadCount: { type: 'integer' },
        },
      },
      Message: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          direction: { enum: ['inbound', 'outbound'] },
          text: nullable({ type: 'string' }),
          status: { type: 'string' },
          capturedAt: dateTime,
          attachments: { type: 'array', items: { type: 'object' } },
          statusEvents: { type: 'array', items: { type: 'object', properties: { status: { type: 'string' }, at: dateTime } } },
        },
      },
      Client: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, language: nullable({ type: 'string' }) } },
      Matter: { type: 'object', properties: { id: { type: 'string' }, number: { type: 'string' }, title: { type: 'string' }, clientId: { type: 'string' }, members: { type: 'array' } } },
      UserSummary: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, disabled: { type: 'boolean' }, locked: { type: 'boolean' }, totpEnabled: { type: 'boolean' } } },
    },
    responses: Object.fromEntries(
      Object.entries(errorStatuses).map(([status, description]) => [
        `Error${status}`,
        { description, content: { 'application/json': { schema: ref('Error') } } },
      ]),
    ),
  },
  paths: {
    '/api/auth/login': {
      post: {
        summary: 'Sign in; sets the ml_session cookie. With TOTP on, answers {mfaRequired, csrfToken} and a pending session.',
        requestBody: jsonBody(loginSchema),
        responses: { 200: ok('signed in, or a TOTP code is needed', { oneOf: [ref('SignedIn'), { type: 'object', properties: { mfaRequired: { const: true }, csrfToken: { type: 'string' } } }] }), ...errors(400, 401, 403, 429) },
      },
    },
    '/api/auth/session': { get: { summary: 'The signed-in user and the CSRF token', security: signedIn, responses: { 200: ok('signed in', ref('SignedIn')), ...errors(401) } } },
    '/api/auth/logout': { post: { summary: 'Sign out (revokes the session)', ...stateChanging, security: signedIn, responses: { 204: ok('signed out'), ...errors(401, 403) } } },
    '/api/auth/password-reset': { post: { summary: 'Set a password with an invitation or reset token', requestBody: jsonBody(passwordResetSchema), responses: { 204: ok('password set'), ...errors(400, 429) } } },
    '/api/auth/totp/setup': { post: { summary: 'Start TOTP: a new secret and its otpauth URL', ...stateChanging, security: signedIn, responses: { 200: ok('set up', { type: 'object', properties: { otpauthUrl: { type: 'string' }, secret: { type: 'string' } } }), ...errors(401, 403, 409) } } },
    '/api/auth/totp/enable': { post: { summary: 'Turn TOTP on with a first code', ...stateChanging, security: signedIn, requestBody: jsonBody(totpCodeSchema), responses: { 200: ok('on'), ...errors(400, 401, 403, 409) } } },
    '/api/auth/totp/verify': { post: { summary: 'Finish a TOTP sign-in; replaces the pending session', ...stateChanging, requestBody: jsonBody(totpCodeSchema), responses: { 200: ok('signed in', ref('SignedIn')), ...errors(400, 401, 403, 429) } } },
    '/api/conversations': {
      get: { summary: 'Conversations you may see, unread first, then the most recent', security: signedIn, parameters: queryParameters(listConversationsQuerySchema), responses: { 200: ok('a page', page(ref('ConversationSummary'))), ...errors(400, 401) } },
    },
    '/api/conversations/{id}': { get: { summary: 'One conversation with contact consent, client, matter and flags', security: signedIn, parameters: [idParameter], responses: { 200: ok('the conversation', ref('ConversationDetail')), ...errors(401, 404) } } },
    '/api/conversations/{id}/messages': {
      get: { summary: 'The thread, newest first (an audit event)', security: signedIn, parameters: [idParameter, ...queryParameters(listMessagesQuerySchema)], responses: { 200: ok('a page', page(ref('Message'))), ...errors(400, 401, 404) } },
      post: { summary: 'Send a reply (stored, then queued); 409 consent_required when the contact may not receive it', security: signedIn, parameters: [idParameter, ...stateChanging.parameters], requestBody: jsonBody(sendMessageSchema), responses: { 202: ok('stored and queued', ref('Message')), ...errors(400, 401, 403, 404, 409) } },
    },
    '/api/conversations/{id}/read': { post: { summary: 'Mark read up to the newest message', security: signedIn, parameters: [idParameter, ...stateChanging.parameters], responses: { 200: ok('marked', { type: 'object', properties: { lastReadAt: dateTime } }), ...errors(401, 403, 404) } } },
    '/api/conversations/{id}/assign': { post: { summary: 'File under a client\'s matter (staff, admin)', security: signedIn, parameters: [idParameter, ...stateChanging.parameters], requestBody: jsonBody(assignConversationSchema), responses: { 200: ok('filed'), ...errors(400, 401, 403, 404, 409) } } },
    '/api/clients': {
      get: { summary: 'Clients you may see', security: signedIn, responses: { 200: ok('clients', list(ref('Client'))), ...errors(401) } },
      post: { summary: 'Create a client (staff, admin)', security: signedIn, ...stateChanging, requestBody: jsonBody(createClientSchema), responses: { 201: ok('created', ref('Client')), ...errors(400, 401, 403) } },
    },
    '/api/matters': {
      get: { summary: 'Matters you may see', security: signedIn, parameters: queryParameters(listMattersQuerySchema), responses: { 200: ok('matters', list(ref('Matter'))), ...errors(400, 401) } },
      post: { summary: 'Create a matter with its team (staff, admin)', security: signedIn, ...stateChanging, requestBody: jsonBody(createMatterSchema), responses: { 201: ok('created'), ...errors(400, 401, 403, 404, 409) } },
    },
    '/api/admin/users': {
      get: { summary: 'The firm\'s users (admin)', security: signedIn, responses: { 200: ok('users', list(ref('UserSummary'))), ...errors(401, 403) } },
      post: { summary: 'Invite a user; the one-time resetToken is returned once (admin)', security: signedIn, ...stateChanging, requestBody: jsonBody(inviteUserSchema), responses: { 201: ok('invited', { type: 'object', properties: { user: ref('User'), resetToken: { type: 'string' } } }), ...errors(400, 401, 403, 409) } },
    },
    '/api/admin/users/{id}/disable': { post: { summary: 'Disable a user and end their sessions (admin)', security: signedIn, parameters: [idParameter, ...stateChanging.parameters], responses: { 200: ok('disabled'), ...errors(401, 403, 404, 409) } } },
    '/api/admin/users/{id}/reset-password': { post: { summary: 'Replace a user\'s password by a one-time reset token (admin)', security: signedIn, parameters: [idParameter, ...stateChanging.parameters], responses: { 200: ok('reset', { type: 'object', properties: { resetToken: { type: 'string' }, expiresAt: dateTime } }), ...errors(401, 403, 404) } } },
    '/api/simulator/{accountId}/inbound': { post: { summary: 'Play a client\'s phone sending a message (simulator accounts; no session)', parameters: [{ name: 'accountId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('a redelivery'), 202: ok('captured'), ...errors(400, 404) } } },
    '/api/simulator/{accountId}/phones/{address}': { get: { summary: 'What the firm sent to a simulated phone, oldest first', parameters: [{ name: 'accountId', in: 'path', required: true, schema: { type: 'string' } }, { name: 'address', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('messages'), ...errors(400, 404) } } },
  },
} as const;

export function openApiRoutes(): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  return router;
}
