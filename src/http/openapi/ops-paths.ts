import { webhookEvents } from '../../core/outbound-webhooks/webhook-events.js';
import { createWebhookEndpointSchema, updateWebhookEndpointSchema } from '../../core/outbound-webhooks/webhook-endpoint-schemas.js';
import { paramsSchema as simulatorParamsSchema, phoneNumber, simulatorInboundSchema } from '../../bridges/simulator/simulator-routes.js';
import { deliveriesQuerySchema } from '../outbound-webhooks/webhook-endpoint-routes.js';
import type { PathItems } from './helpers.js';
import { arrayOf, bool, buildPaths, dateTime, int, list, nullable, obj, ok, ref, str } from './helpers.js';

// The API's own description, the firm's signed webhooks to its case-management system, and the simulator.

const documentPaths = buildPaths('meta', {
  '/api/openapi.json': {
    get: { summary: 'This document (OpenAPI 3.1)', auth: 'none', responses: { 200: ok('the document', { type: 'object', required: ['openapi', 'info', 'paths'] }) } },
  },
});

const webhookPaths = buildPaths('admin: webhooks', {
  '/api/admin/webhooks': {
    get: {
      summary: 'The firm\'s webhook endpoints and the events they may subscribe to (admin)',
      responses: { 200: ok('endpoints', obj({ events: arrayOf({ enum: [...webhookEvents] }), items: arrayOf(ref('WebhookEndpoint')) })) },
      errors: [403],
    },
    post: {
      summary: 'Add an endpoint; its signing secret is returned once (admin)',
      body: createWebhookEndpointSchema,
      responses: { 201: ok('added', { allOf: [ref('WebhookEndpoint'), obj({ secret: str })] }) },
    },
  },
  '/api/admin/webhooks/{id}': {
    patch: { summary: 'Change an endpoint\'s URL, events or description, or switch it off (admin)', body: updateWebhookEndpointSchema, responses: { 200: ok('changed', ref('WebhookEndpoint')) }, errors: [404] },
  },
  '/api/admin/webhooks/{id}/deliveries': {
    get: { summary: 'An endpoint\'s delivery log, newest first, each with its attempts (admin)', query: deliveriesQuerySchema, responses: { 200: ok('deliveries', list(ref('WebhookDelivery'))) }, errors: [403, 404] },
  },
});

const simulatorPaths = buildPaths('simulator', {
  '/api/simulator/{accountId}/inbound': {
    post: {
      summary: 'Play a client\'s phone sending a message to a simulator account (no session, no CSRF token)',
      description: 'text, or at least one media item, is required. A repeated id is a redelivery (200), captured once.',
      auth: 'none',
      params: simulatorParamsSchema,
      body: simulatorInboundSchema,
      responses: {
        200: ok('a redelivery of a message already captured', obj({ id: str, conversationId: str, duplicate: { const: true } })),
        202: ok('captured', obj({ id: str, conversationId: str, duplicate: bool })),
      },
      errors: [404],
    },
  },
  '/api/simulator/{accountId}/phones/{address}': {
    get: {
      summary: 'What the firm sent to a simulated phone, oldest first (no session)',
      auth: 'none',
      params: simulatorParamsSchema.extend({ address: phoneNumber }),
      responses: { 200: ok('messages', arrayOf(obj({ id: str, text: nullable(str), media: arrayOf(obj({ fileName: str, mimeType: str, size: int, sha256: str })), status: str, sentAt: dateTime }))) },
      errors: [404],
    },
  },
});

export const opsPaths: PathItems = { ...documentPaths, ...webhookPaths, ...simulatorPaths };
