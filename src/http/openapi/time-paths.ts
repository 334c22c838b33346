import { emptyBodySchema } from '../api/api-schemas.js';
import {
  createExportSchema,
  dateRangeQuerySchema,
  editEntrySchema,
  exportDownloadQuerySchema,
  listEntriesQuerySchema,
  mergeEntriesSchema,
  reportQuerySchema,
  splitEntrySchema,
  writeOffSchema,
} from '../time/time-schemas.js';
import type { ResponseObject } from './helpers.js';
import { buildPaths, file, list, obj, ok, page, ref, str } from './helpers.js';

// Billable time from messaging: review of drafted entries, the LEDES and CSV exports, and the unbilled-time report.

const exportHeaders: ResponseObject['headers'] = {
  'x-matterline-export-batch': { description: 'the export batch id, or none when no entry was exported', schema: str },
  'x-matterline-export-again': { description: 'true when this is a file served before, not a new export', schema: { enum: ['true', 'false'] } },
  'x-content-sha256': { description: 'SHA-256 of the body, as recorded with the batch', schema: str },
};
const ledes = file('LEDES 1998B, US-ASCII', 'text/plain', exportHeaders);
const csv = file('CSV with a header row', 'text/csv', exportHeaders);
const eitherFormat: ResponseObject = {
  description: 'the batch as LEDES 1998B (format=ledes) or CSV (format=csv)',
  headers: { ...ledes.headers },
  content: { ...ledes.content, ...csv.content },
};

const entry = { 200: ok('the entry after the change', ref('TimeEntry')) };
const transition = (summary: string, body: typeof emptyBodySchema | typeof writeOffSchema) => ({
  post: { summary, body, responses: entry, errors: [404, 409] },
});

export const timePaths = buildPaths('time', {
  '/api/time/entries': {
    get: {
      summary: 'Drafted and reviewed time entries you may review, newest day first (yours; everyone\'s for supervisors and admins)',
      query: listEntriesQuerySchema,
      responses: { 200: ok('a page', page(ref('TimeEntry'))) },
    },
  },
  '/api/time/entries/merge': {
    post: { summary: 'Merge entries of one person on one matter into one', body: mergeEntriesSchema, responses: { 200: ok('the merged entry', ref('TimeEntry')) }, errors: [404, 409] },
  },
  '/api/time/entries/{id}': {
    get: { summary: 'One entry with the activities it was drafted from (its evidence)', responses: { 200: ok('the entry', ref('TimeEntryDetail')) }, errors: [404] },
    patch: { summary: 'Edit a draft: hours, narrative, task or activity code', body: editEntrySchema, responses: entry, errors: [404, 409] },
  },
  '/api/time/entries/{id}/split': {
    post: {
      summary: 'Move some of an entry\'s activities to a new entry',
      body: splitEntrySchema,
      responses: { 200: ok('both parts', obj({ original: ref('TimeEntry'), split: ref('TimeEntry') })) },
      errors: [404, 409],
    },
  },
  '/api/time/entries/{id}/approve': transition('Approve a draft for billing', emptyBodySchema),
  '/api/time/entries/{id}/unapprove': transition('Return an approved entry to draft', emptyBodySchema),
  '/api/time/entries/{id}/write-off': transition('Write an entry off, with a reason', writeOffSchema),
  '/api/time/entries/{id}/restore': transition('Restore a written-off entry to draft', emptyBodySchema),
  '/api/time/export.ledes': {
    get: {
      summary: 'Preview, as LEDES 1998B, the approved time of the period that an export would take; marks nothing (admin, supervisor)',
      query: dateRangeQuerySchema,
      responses: { 200: ledes },
      errors: [403],
    },
  },
  '/api/time/export.csv': {
    get: { summary: 'Preview, as CSV, the approved time of the period that an export would take; marks nothing (admin, supervisor)', query: dateRangeQuerySchema, responses: { 200: csv }, errors: [403] },
  },
  '/api/time/exports': {
    get: { summary: 'The firm\'s export batches, newest first (admin, supervisor)', responses: { 200: ok('batches', list(ref('ExportBatch'))) }, errors: [403] },
    post: {
      summary: 'Export the approved time of the period: one batch, its entries marked exported (admin, supervisor); 409 when nothing is left to export',
      body: createExportSchema,
      responses: {
        201: ok('the batch created', obj({ id: str, from: str, to: str, entries: { type: 'integer' }, entryIds: { type: 'array', items: str }, ledes: str, csv: str })),
      },
      errors: [403, 409],
    },
  },
  '/api/time/exports/{id}.ledes': {
    get: { summary: 'Download an export batch as LEDES 1998B (admin, supervisor)', responses: { 200: ledes }, errors: [403, 404] },
  },
  '/api/time/exports/{id}.csv': {
    get: { summary: 'Download an export batch as CSV (admin, supervisor)', responses: { 200: csv }, errors: [403, 404] },
  },
  '/api/time/exports/{id}': {
    get: { summary: 'Download an export batch again, in the format asked for (admin, supervisor)', query: exportDownloadQuerySchema, responses: { 200: eitherFormat }, errors: [403, 404] },
  },
  '/api/time/report': {
    get: { summary: 'Unbilled and written-off messaging time per lawyer or per matter', query: reportQuerySchema, responses: { 200: ok('the report', ref('UnbilledTimeReport')) } },
  },
  '/api/time/report.csv': {
    get: { summary: 'The unbilled-time report as CSV', query: reportQuerySchema, responses: { 200: file('CSV with a header row', 'text/csv') } },
  },
});
