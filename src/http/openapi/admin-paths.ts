import { businessHoursSpecSchema } from '../../core/hours/business-hours.js';
import { configSchemas, createAccountSchema, reasonSchema, editAccountSchema, reportsQuerySchema } from '../admin/account-routes.js';
import { accountHoursQuerySchema, hoursQuerySchema, settingsPatchSchema, templateBodySchema, templateParamsSchema } from '../admin/firm-admin-routes.js';
import { cannedReplySchema, editUserBillingSchema, emptyBodySchema, inviteUserSchema } from '../api/api-schemas.js';
import type { PathItems } from './helpers.js';
import { arrayOf, bool, buildPaths, dateTime, int, list, obj, ok, ref, schemaOf, str } from './helpers.js';

// The firm's admin: users, channel accounts, client-facing templates, office hours and policies.

// Each channel kind takes its own config; the zod schemas of all of them, chosen by kind (JSON Schema if/then).
const createAccountBody = {
  required: true,
  schema: {
    ...schemaOf(createAccountSchema),
    allOf: Object.entries(configSchemas).map(([kind, schema]) => ({
      if: { properties: { kind: { const: kind } } },
      then: { properties: { config: schemaOf(schema) } },
    })),
  },
};

const userPaths = buildPaths('admin: users', {
  '/api/admin/users': {
    get: { summary: 'The firm\'s users (admin)', responses: { 200: ok('users', list(ref('UserSummary'))) }, errors: [403] },
    post: {
      summary: 'Invite a user; the one-time resetToken is returned once (admin)',
      body: inviteUserSchema,
      responses: { 201: ok('invited', obj({ user: ref('User'), resetToken: str, resetTokenExpiresAt: dateTime })) },
      errors: [409],
    },
  },
  '/api/admin/users/{id}': {
    patch: {
      summary: 'Change a user\'s role (not one\'s own; the firm keeps an admin) or LEDES timekeeper classification (null: the role\'s) or timekeeper id; audited (admin)',
      body: editUserBillingSchema,
      responses: { 200: ok('the user', ref('UserSummary')) },
      errors: [403, 404, 409],
    },
  },
  '/api/admin/users/{id}/disable': {
    post: { summary: 'Disable a user and end their sessions (admin)', body: emptyBodySchema, responses: { 200: ok('disabled', obj({ revokedSessions: int })) }, errors: [404, 409] },
  },
  '/api/admin/users/{id}/enable': {
    post: { summary: 'Let a disabled user sign in again (admin; audited)', body: emptyBodySchema, responses: { 200: ok('enabled', obj({ enabled: { const: true } })) }, errors: [403, 404] },
  },
  '/api/admin/users/{id}/reset-password': {
    post: {
      summary: 'Replace a user\'s password by a one-time reset token (admin)',
      body: emptyBodySchema,
      responses: { 200: ok('reset', obj({ resetToken: str, expiresAt: dateTime })) },
      errors: [404],
    },
  },
});

const accountPaths = buildPaths('admin: channel accounts', {
  '/api/admin/accounts': {
    get: { summary: 'The firm\'s channel accounts with state, last error and QR code (admin)', responses: { 200: ok('accounts', arrayOf(ref('Account'))) }, errors: [403] },
    post: {
      summary: 'Add a channel account; its secrets are sealed before they are stored (admin)',
      body: createAccountBody,
      responses: { 201: ok('added; linked-phone kinds then wait for a QR code scan', obj({ id: str })) },
    },
  },
  '/api/admin/accounts/{id}': {
    get: { summary: 'One channel account (admin)', responses: { 200: ok('the account', ref('Account')) }, errors: [403, 404] },
    delete: { summary: 'Remove a channel account; its messages stay in the record (admin)', body: reasonSchema, responses: { 204: ok('removed') }, errors: [404] },
    patch: {
      summary: 'Rename a channel account and/or change its settings (admin; audited by field name, never a value)',
      description: 'config holds only what changes: a field given replaces the stored one, null removes an optional one, a secret left out is kept. Every process rebuilds the account\'s bridge within seconds.',
      body: editAccountSchema,
      responses: { 200: ok('the account', ref('Account')) },
      errors: [403, 404],
    },
  },
  '/api/admin/accounts/{id}/test': {
    post: {
      summary: 'Test the connection: the provider\'s answer to the account\'s own credentials, in words (Cloud API: the phone number; Twilio: the account); audited (admin)',
      body: emptyBodySchema,
      responses: { 200: ok('what the provider said', obj({ ok: bool, message: str })) },
      errors: [403, 404],
    },
  },
  '/api/admin/accounts/{id}/reports': {
    get: {
      summary: 'What the provider said that is not a message, newest first: errors it reported, parts kept raw, events for numbers no account owns (admin, audited)',
      query: reportsQuerySchema,
      responses: { 200: ok('reports', arrayOf(ref('AccountReport'))) },
      errors: [403, 404],
    },
  },
  '/api/admin/accounts/{id}/pause': {
    post: { summary: 'Pause an account: it stops sending and receiving (admin)', body: reasonSchema, responses: { 200: ok('paused', ref('Account')) }, errors: [404] },
  },
  '/api/admin/accounts/{id}/resume': {
    post: { summary: 'Resume a paused account (admin)', body: reasonSchema, responses: { 200: ok('resumed', ref('Account')) }, errors: [404] },
  },
  '/api/admin/accounts/{id}/qr.svg': {
    get: {
      summary: 'The linking QR code of a WhatsApp account waiting for a scan, as SVG; never cached (admin)',
      responses: { 200: { description: 'the QR code', content: { 'image/svg+xml': { schema: { type: 'string', contentMediaType: 'image/svg+xml' } } } } },
      errors: [403, 404],
    },
  },
});

const firmPaths = buildPaths('admin: firm', {
  '/api/admin/canned-replies': {
    post: { summary: 'Add a saved reply for the inbox (admin; audited)', body: cannedReplySchema, responses: { 201: ok('added', ref('CannedReply')) }, errors: [403, 409] },
  },
  '/api/admin/canned-replies/{id}': {
    put: { summary: 'Change a saved reply (admin; audited)', body: cannedReplySchema, responses: { 200: ok('changed', ref('CannedReply')) }, errors: [403, 404, 409] },
    delete: { summary: 'Remove a saved reply (admin; audited)', responses: { 204: ok('removed') }, errors: [403, 404] },
  },
  '/api/admin/templates': {
    get: { summary: 'Every client-facing template in every language, the firm\'s own or the default (admin)', responses: { 200: ok('templates', arrayOf(ref('Template'))) }, errors: [403] },
  },
  '/api/admin/templates/{kind}/{language}': {
    put: {
      summary: 'Save the firm\'s text of a template; only its known {variables} may be used (admin)',
      params: templateParamsSchema,
      body: templateBodySchema,
      responses: { 200: ok('saved', obj({ kind: str, language: str, body: str })) },
    },
  },
  '/api/admin/business-hours': {
    get: {
      summary: 'The office hours of the firm, or of one channel account (admin, supervisor)',
      query: hoursQuerySchema,
      responses: { 200: ok('the hours', ref('BusinessHoursOfAccount')) },
      errors: [403, 404],
    },
    put: {
      summary: 'Set the office hours of the firm, or of one channel account (admin)',
      query: hoursQuerySchema,
      body: businessHoursSpecSchema,
      responses: { 200: ok('saved', ref('BusinessHours')) },
      errors: [404],
    },
    delete: {
      summary: 'Remove one channel account\'s own office hours: it answers by the firm\'s again (admin; audited)',
      query: accountHoursQuerySchema,
      responses: { 204: ok('removed') },
      errors: [403, 404],
    },
  },
  '/api/admin/settings': {
    get: { summary: 'The firm\'s policies: consent, out-of-hours sends, billable time, retention (admin, supervisor)', responses: { 200: ok('settings', ref('FirmSettings')) }, errors: [403] },
    patch: { summary: 'Change some of the firm\'s policies (admin)', body: settingsPatchSchema, responses: { 200: ok('all settings after the change', ref('FirmSettings')) } },
  },
});

export const adminPaths: PathItems = { ...userPaths, ...accountPaths, ...firmPaths };
