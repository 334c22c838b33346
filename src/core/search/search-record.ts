import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { DateRangeInput } from './date-range.js';
import { resolveDateRange } from './date-range.js';
import type { ContactHit } from './find-contacts.js';
import { findContacts } from './find-contacts.js';
import type { SearchFilters } from './search-filters.js';
import type { MessageHit } from './search-messages.js';
import { searchMessages } from './search-messages.js';

export interface SearchRecordOptions {
  pool: pg.Pool;
  viewer: Viewer;
  query: string;
  filters: SearchFilters & DateRangeInput;
  limit: number;
  cursor?: string;
}

export interface SearchResult {
  query: string;
  items: MessageHit[];
  /** Contacts matching by number or name; on the first page only. */
  contacts: ContactHit[];
  nextCursor: string | null;
}

const contactsPerSearch = 10;

/**
 * Searches the captured record as the viewer may see it (ARCHITECTURE invariant 6). Every search is an audit event
 * with its query, its filters and what it showed, written before the results are handed out: a search that cannot
 * be audited shows nothing.
 */
export async function searchRecord(options: SearchRecordOptions): Promise<SearchResult> {
  const { pool, viewer } = options;
  const query = options.query.trim();
  if (query.length < 2) throw new AppError('bad_request', 'q: search for at least 2 characters', { field: 'q' });
  const firm = await pool.query<{ timeZone: string }>(`SELECT "timeZone" FROM "Firm" WHERE id = $1`, [viewer.firmId]);
  const timeZone = firm.rows[0]?.timeZone ?? 'UTC';
  const { from, to, ...filters } = options.filters;
  const range = resolveDateRange({ from, to }, timeZone);
  const [messages, contacts] = await Promise.all([
    searchMessages({ pool, viewer, query, filters, range, limit: options.limit, ...(options.cursor ? { cursor: options.cursor } : {}) }),
    options.cursor ? Promise.resolve([]) : findContacts({ pool, viewer, query, filters, limit: contactsPerSearch }),
  ]);
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'search.performed',
    subjectType: 'firm',
    subjectId: viewer.firmId,
    details: {
      query,
      filters: options.filters,
      cursor: options.cursor ?? null,
      messageIds: messages.items.map((hit) => hit.messageId),
      identityIds: contacts.map((contact) => contact.identityId),
    },
  });
  return { query, items: messages.items, contacts, nextCursor: messages.nextCursor };
}
