import { createNoticeSchema } from '../../core/notices/notice-schemas.js';
import { createMatterEventSchema, moveMatterEventSchema } from '../../core/reminders/matter-event-view.js';
import { emptySchema, recipientsQuerySchema } from '../notices/notice-routes.js';
import { cancelSchema } from '../reminders/matter-event-routes.js';
import type { PathItems } from './helpers.js';
import { buildPaths, list, ok, ref } from './helpers.js';

// Reaching clients: bulk notices and surveys, and the reminders of a matter's calendar events.

const noticePaths = buildPaths('notices', {
  '/api/notices': {
    get: { summary: 'The firm\'s notices and surveys with their progress (admin, supervisor)', responses: { 200: ok('notices', list(ref('Notice'))) }, errors: [403] },
    post: {
      summary: 'Draft a notice or survey for the clients the criteria choose (admin)',
      description: 'A draft is only a draft: nothing is sent until POST /api/notices/{id}/send.',
      body: createNoticeSchema,
      responses: { 201: ok('the draft', ref('Notice')) },
      errors: [404],
    },
  },
  '/api/notices/{id}': {
    get: { summary: 'One notice: progress, and who was skipped and why (admin, supervisor)', responses: { 200: ok('the notice', ref('Notice')) }, errors: [403, 404] },
  },
  '/api/notices/{id}/recipients': {
    get: { summary: 'Who a notice reaches, each with their state (admin, supervisor)', query: recipientsQuerySchema, responses: { 200: ok('recipients', list(ref('NoticeRecipient'))) }, errors: [403, 404] },
  },
  '/api/notices/{id}/send': {
    post: { summary: 'Send a draft: the recipients are worked out again and queued per channel (admin)', body: emptySchema, responses: { 202: ok('sending', ref('Notice')) }, errors: [404, 409] },
  },
  '/api/notices/{id}/cancel': {
    post: { summary: 'Stop a notice: messages not yet sent are cancelled (admin)', body: emptySchema, responses: { 200: ok('cancelled', ref('Notice')) }, errors: [404, 409] },
  },
  '/api/notices/{id}/survey': {
    get: { summary: 'A survey\'s tally of replies 1 to 5 (admin, supervisor)', responses: { 200: ok('the tally', ref('SurveyReport')) }, errors: [403, 404, 409] },
  },
});

const eventPaths = buildPaths('reminders', {
  '/api/matters/{id}/events': {
    get: { summary: 'A matter\'s calendar events with their client reminders, in the order they happen', responses: { 200: ok('events', list(ref('MatterEvent'))) }, errors: [404] },
    post: {
      summary: 'Add an event; its reminders go to the client at the given minutes before it, in the client\'s daytime',
      body: createMatterEventSchema,
      responses: { 201: ok('the event', ref('MatterEvent')) },
      errors: [404],
    },
  },
  '/api/matter-events/{id}': {
    get: { summary: 'One event with its reminders', responses: { 200: ok('the event', ref('MatterEvent')) }, errors: [404] },
    patch: { summary: 'Move or rename an event, or change its reminders (they are planned again)', body: moveMatterEventSchema, responses: { 200: ok('the event', ref('MatterEvent')) }, errors: [404, 409] },
  },
  '/api/matter-events/{id}/cancel': {
    post: { summary: 'Cancel an event and its reminders not yet sent', body: cancelSchema, responses: { 200: ok('the event', ref('MatterEvent')) }, errors: [404] },
  },
});

export const outreachPaths: PathItems = { ...noticePaths, ...eventPaths };
