import {
  assignConversationSchema,
  editMatterSchema,
  ethicalWallSchema,
  matterMemberSchema,
  memberParamsSchema,
  wallParamsSchema,
  wallRemovalSchema,
  assigneeSchema,
  noteSchema,
  snoozeSchema,
  createClientSchema,
  createMatterSchema,
  editClientSchema,
  emptyBodySchema,
  listConversationsQuerySchema,
  listClientsQuerySchema,
  listMattersQuerySchema,
  listMessagesQuerySchema,
  notificationsQuerySchema,
  loginSchema,
  passwordResetSchema,
  sendFilesFormSchema,
  sendMessageSchema,
  totpCodeSchema,
} from '../api/api-schemas.js';
import { sendFileLimits } from '../api/conversation-routes.js';
import { editSchema, reasonSchema, reviewSchema } from '../consent/consent-routes.js';
import type { PathItems } from './helpers.js';
import { arrayOf, bool, buildPaths, dateTime, file, int, list, nullable, obj, ok, page, ref, schemaOf, str } from './helpers.js';

// Signing in, and the inbox: conversations, their threads and replies, consent, held messages, clients and matters.

// The zod schema's refine (text or a template, not both) is not representable; it is spelled out here.
const sendMessageBody = {
  required: true,
  schema: { ...schemaOf(sendMessageSchema), oneOf: [{ required: ['text'] }, { required: ['template'] }] },
  // Text and up to 10 files (the channel's limits apply: media-limits.ts); the text is the files' caption.
  multipart: {
    ...schemaOf(sendFilesFormSchema),
    properties: {
      ...(schemaOf(sendFilesFormSchema).properties as Record<string, unknown>),
      files: { type: 'array', maxItems: sendFileLimits.maxFiles, items: { type: 'string', contentMediaType: 'application/octet-stream' } },
    },
  },
};

const authPaths = buildPaths('auth', {
  '/api/auth/login': {
    post: {
      summary: 'Sign in; sets the ml_session cookie. With TOTP on, answers {mfaRequired, csrfToken} and a pending session.',
      auth: 'none',
      body: loginSchema,
      responses: { 200: ok('signed in, or a TOTP code is needed', { oneOf: [ref('SignedIn'), obj({ mfaRequired: { const: true }, csrfToken: str })] }) },
      errors: [401, 403, 429],
    },
  },
  '/api/auth/session': { get: { summary: 'The signed-in user and the CSRF token', responses: { 200: ok('signed in', ref('SignedIn')) } } },
  '/api/auth/logout': { post: { summary: 'Sign out (revokes the session; a pending session may sign out too)', responses: { 204: ok('signed out; the cookie is cleared') } } },
  '/api/auth/password-reset': {
    post: { summary: 'Set a password with an invitation or reset token', auth: 'none', body: passwordResetSchema, responses: { 204: ok('password set') }, errors: [429] },
  },
  '/api/auth/totp/setup': {
    post: { summary: 'Start TOTP: a new secret and its otpauth URL', body: emptyBodySchema, responses: { 200: ok('set up', obj({ otpauthUrl: str, secret: str })) }, errors: [409] },
  },
  '/api/auth/totp': {
    get: { summary: 'Whether two-factor sign-in is on for the signed-in person, or set up and waiting for its first code', responses: { 200: ok('the state', obj({ enabled: bool, pending: bool })) } },
  },
  '/api/auth/totp/qr.svg': {
    get: { summary: 'The QR code of the secret set up and not yet confirmed, for an authenticator app', responses: { 200: file('an SVG image', 'image/svg+xml') }, errors: [404] },
  },
  '/api/auth/totp/disable': {
    post: { summary: 'Turn two-factor sign-in off, with a current code from it (audited)', body: totpCodeSchema, responses: { 200: ok('off', obj({ totpEnabled: { const: false } })) }, errors: [409] },
  },
  '/api/auth/totp/enable': {
    post: { summary: 'Turn TOTP on with a first code', body: totpCodeSchema, responses: { 200: ok('on', obj({ totpEnabled: { const: true } })) }, errors: [409] },
  },
  '/api/auth/totp/verify': {
    post: {
      summary: 'Finish a TOTP sign-in with the pending session of the password step; replaces it by a full session',
      body: totpCodeSchema,
      responses: { 200: ok('signed in', ref('SignedIn')) },
      errors: [409, 429],
    },
  },
});

const conversationPaths = buildPaths('inbox', {
  '/api/conversations': {
    get: { summary: 'Conversations you may see, unread first, then the most recent', query: listConversationsQuerySchema, responses: { 200: ok('a page', page(ref('ConversationSummary'))) } },
  },
  '/api/conversations/{id}': {
    get: { summary: 'One conversation with contact consent, client, matter and flags', responses: { 200: ok('the conversation', ref('ConversationDetail')) }, errors: [404] },
  },
  '/api/conversations/{id}/messages': {
    get: { summary: 'The thread, newest first (an audit event)', query: listMessagesQuerySchema, responses: { 200: ok('a page', page(ref('Message'))) }, errors: [404] },
    post: {
      summary: 'Send a reply (stored, then queued): text, files with text (multipart/form-data), or an approved template once the WhatsApp window has closed',
      description: '409 consent_required when the contact may not receive it; 409 window_closed when only a template may go out. A file the channel does not take, or one over its size, is a 400 naming the file and the limit. On a channel that carries one file per message, each further file is a message of its own (moreMessageIds).',
      body: sendMessageBody,
      responses: { 202: ok('stored and queued (or held until the office opens; duplicate for a repeated idempotencyKey)', ref('SentMessage')) },
      errors: [404, 409],
    },
  },
  '/api/notifications': {
    get: {
      summary: 'What processing flagged for the signed-in user (an URGENT message after hours, a revocation to review), newest first; unread=true for those not yet acknowledged',
      query: notificationsQuerySchema,
      responses: { 200: ok('notifications', arrayOf(ref('Notification'))) },
    },
  },
  '/api/notifications/{id}/acknowledge': {
    post: { summary: 'Acknowledge a notification: it stops flagging its conversation (audited)', body: emptyBodySchema, responses: { 200: ok('acknowledged', ref('Notification')) }, errors: [404] },
  },
  '/api/sends/unsettled': {
    get: {
      summary: 'Sends whose outcome is unknown (the process stopped while the provider answered): the viewer\'s own, and for an admin the automated ones; resendableAt says when a person may send one again',
      responses: { 200: ok('unsettled sends', arrayOf(obj({ id: str, conversationId: str, text: nullable(str), purpose: str, authorUserId: nullable(str), failedAt: dateTime, files: int, resendableAt: dateTime }))) },
    },
  },
  '/api/messages/{id}/resend': {
    post: {
      summary: 'Send an unknown-outcome message again as a new message (same text and files, every gate again); once per message',
      body: emptyBodySchema,
      responses: { 202: ok('sent again', obj({ messageId: str, duplicate: bool })), 200: ok('already sent again: the same new message', obj({ messageId: str, duplicate: bool })) },
      errors: [404, 409],
    },
  },
  '/api/conversations/{id}/read': {
    post: { summary: 'Mark read up to the newest message', body: emptyBodySchema, responses: { 200: ok('marked', obj({ lastReadAt: dateTime })) }, errors: [404] },
  },
  '/api/conversations/{id}/assign': {
    post: {
      summary: 'File under a client\'s matter (staff, admin)',
      body: assignConversationSchema,
      responses: { 200: ok('filed', obj({ conversationId: str, matterId: str, clientId: str, previousMatterId: { anyOf: [str, { type: 'null' }] } })) },
      errors: [404, 409],
    },
  },
  '/api/canned-replies': {
    get: { summary: 'The firm\'s saved replies (en, es), which the composer inserts for editing before a send', responses: { 200: ok('saved replies', list(ref('CannedReply'))) } },
  },
  '/api/conversations/{id}/assignees': {
    get: { summary: 'Who this conversation may be assigned to: the members of its matter no wall excludes (before triage: staff and admins)', responses: { 200: ok('colleagues', list(obj({ id: str, name: str, role: str }))) }, errors: [404] },
  },
  '/api/conversations/{id}/assignee': {
    put: { summary: 'Assign to a colleague on the matter, or unassign with null (audited)', body: assigneeSchema, responses: { 200: ok('the new state', ref('WorkState')) }, errors: [404] },
  },
  '/api/conversations/{id}/done': {
    post: { summary: 'Mark done: it leaves the open list until the client writes again or someone reopens it (audited)', body: emptyBodySchema, responses: { 200: ok('the new state', ref('WorkState')) }, errors: [404] },
  },
  '/api/conversations/{id}/reopen': {
    post: { summary: 'Reopen a done or snoozed conversation (audited)', body: emptyBodySchema, responses: { 200: ok('the new state', ref('WorkState')) }, errors: [404] },
  },
  '/api/conversations/{id}/snooze': {
    post: { summary: 'Snooze until a time: out of the open list until then, or until the client writes (audited)', body: snoozeSchema, responses: { 200: ok('the new state', ref('WorkState')) }, errors: [404] },
  },
  '/api/conversations/{id}/notes': {
    get: { summary: 'The internal notes of the thread, oldest first: never sent to the client', responses: { 200: ok('notes', list(ref('ConversationNote'))) }, errors: [404] },
    post: { summary: 'Add an internal note (part of the record and the matter file; never sent; audited)', body: noteSchema, responses: { 201: ok('the note', ref('ConversationNote')) }, errors: [404] },
  },
  '/api/conversations/{id}/composer': {
    get: { summary: 'What the composer must show before typing: consent gate, office hours, WhatsApp window, templates', responses: { 200: ok('the gates', ref('Composer')) }, errors: [404] },
  },
  '/api/events': {
    get: {
      summary: 'Server-Sent Events: new messages and status changes of conversations you may see',
      description:
        'Each event is `event: <type>` with the event as JSON in `data:`; comments keep the connection alive. Nothing is replayed after a reconnect. ' +
        'Types: `message.created` (a message is in the record, right after capture), `message.processed` (its consent, hours and automated answers are done), `message.status` (sent, delivered, read, failed), `conversation.updated` (filed under a matter, assigned, done or reopened, snoozed, a note added; `change` says which).',
      responses: { 200: { description: 'an open event stream', content: { 'text/event-stream': { schema: str } } } },
    },
  },
  '/api/attachments/{id}': {
    get: {
      summary: 'A media file of the record, decrypted (an audit event)',
      responses: { 200: file('the file, in its own media type', '*/*') },
      errors: [404, 409],
    },
  },
});

const consentPaths = buildPaths('consent', {
  '/api/conversations/{id}/consent': {
    get: { summary: 'The contact\'s consent state and its history', responses: { 200: ok('consent', ref('Consent')) }, errors: [404, 409] },
  },
  '/api/conversations/{id}/consent-request': {
    post: { summary: 'Send the contact the firm\'s consent request (at most once a day)', responses: { 202: ok('queued', obj({ messageId: str })) }, errors: [404, 409, 429] },
  },
  '/api/conversations/{id}/revocation': {
    post: { summary: 'Confirm or dismiss a possible revocation of consent', body: reviewSchema, responses: { 200: ok('reviewed', obj({ state: str })) }, errors: [404, 409] },
  },
  '/api/conversations/{id}/block': {
    post: { summary: 'Block the contact: nothing more is sent to them (admin, supervisor)', body: reasonSchema, responses: { 200: ok('blocked', obj({ blocked: { const: true } })) }, errors: [404, 409] },
  },
  '/api/conversations/{id}/unblock': {
    post: { summary: 'Unblock the contact (admin, supervisor)', body: reasonSchema, responses: { 200: ok('unblocked', obj({ blocked: { const: false } })) }, errors: [404, 409] },
  },
  '/api/messages/{id}': {
    patch: {
      summary: 'Change the text of a message held until the office opens (its author or an admin)',
      body: editSchema,
      responses: { 200: ok('changed', obj({ id: str, text: str, status: { const: 'scheduled' } })) },
      errors: [404, 409],
    },
  },
  '/api/messages/{id}/cancel': {
    post: { summary: 'Cancel a held message (its author or an admin)', responses: { 200: ok('cancelled', obj({ id: str, status: { const: 'cancelled' } })) }, errors: [404, 409] },
  },
});

const clientMatterPaths = buildPaths('clients and matters', {
  '/api/clients': {
    get: { summary: 'Clients you may see; scope=intake (staff, admin): every client of the firm but those a wall keeps you from', query: listClientsQuerySchema, responses: { 200: ok('clients', list(ref('Client'))) }, errors: [403] },
    post: { summary: 'Create a client (staff, admin); numbered C00001 ... unless given a number', body: createClientSchema, responses: { 201: ok('created', ref('Client')) }, errors: [409] },
  },
  '/api/clients/{id}': {
    patch: {
      summary: 'Change a client\'s name, language, email or the firm\'s number of it (its LEDES CLIENT_ID), or close (every matter closed first; 409 names the open ones) and reopen it; audited (staff, admin)',
      body: editClientSchema,
      responses: { 200: ok('the client', ref('Client')) },
      errors: [403, 404, 409],
    },
  },
  '/api/matters': {
    get: { summary: 'Matters you may see; scope=intake (staff, admin): every matter of the firm no wall keeps you from', query: listMattersQuerySchema, responses: { 200: ok('matters', list(ref('Matter'))) } },
    post: { summary: 'Create a matter with its team (staff, admin); 409 for a number taken or a closed client', body: createMatterSchema, responses: { 201: ok('created', obj({ id: str, number: str })) }, errors: [404, 409] },
  },
  '/api/matters/{id}': {
    patch: { summary: 'Change a matter\'s title, practice area, billing type, or close and reopen it; audited (staff, admin)', body: editMatterSchema, responses: { 200: ok('the matter', ref('MatterChanged')) }, errors: [403, 404, 409] },
  },
  '/api/matters/{id}/members': {
    get: { summary: 'The matter\'s team, and whether a wall keeps any of them out all the same', responses: { 200: ok('members', list(ref('MatterMember'))) }, errors: [404] },
    post: { summary: 'Add a colleague to the matter\'s team, or change their role on it; audited (staff, admin)', body: matterMemberSchema, responses: { 201: ok('the team', list(ref('MatterMember'))) }, errors: [403, 404] },
  },
  '/api/matters/{id}/members/{userId}': {
    delete: { summary: 'Take someone off the matter\'s team; audited (staff, admin)', params: memberParamsSchema, responses: { 204: ok('removed') }, errors: [403, 404] },
  },
  '/api/matters/{id}/walls': {
    get: { summary: 'The matter\'s ethical walls (supervisor, admin)', responses: { 200: ok('walls', list(ref('EthicalWall'))) }, errors: [403, 404] },
    post: { summary: 'Wall a person off the matter, with the reason; from then on they see nothing of it; audited (supervisor, admin)', body: ethicalWallSchema, responses: { 201: ok('the wall', obj({ id: str })) }, errors: [403, 404, 409] },
  },
  '/api/matters/{id}/walls/{wallId}': {
    delete: { summary: 'Take a wall down, with the reason; audited (supervisor, admin)', params: wallParamsSchema, body: wallRemovalSchema, responses: { 204: ok('removed') }, errors: [403, 404] },
  },
  '/api/people': {
    get: { summary: 'The firm\'s active people by name and role, for choosing a colleague', responses: { 200: ok('people', list(obj({ id: str, name: str, role: str }))) } },
  },
  '/api/intake/matters': {
    get: {
      summary: 'The open matters triage may file a conversation under: any of the firm\'s that no wall keeps you from (staff, admin)',
      responses: { 200: ok('matters', list(ref('IntakeMatter'))) },
      errors: [403],
    },
  },
});

export const inboxPaths: PathItems = { ...authPaths, ...conversationPaths, ...consentPaths, ...clientMatterPaths };
