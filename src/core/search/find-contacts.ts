import type pg from 'pg';
import { visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import type { SearchFilters } from './search-filters.js';
import { filterSql } from './search-filters.js';
import { containsPattern, phoneDigits } from './search-text.js';
import { SqlParams } from './sql-params.js';

export interface ContactHit {
  identityId: string;
  address: string;
  displayName: string | null;
  channel: string;
  client: { id: string; name: string } | null;
  blocked: boolean;
  /** The contact's conversations the viewer may see, to open from the result. */
  conversations: { id: string; matterId: string | null; matterNumber: string | null }[];
}

export interface FindContactsOptions {
  pool: pg.Pool;
  viewer: Viewer;
  query: string;
  filters: SearchFilters;
  limit: number;
}

/**
 * Contacts whose number (or a fragment of it, on digits alone), name or client's name matches the query, by
 * trigrams: "0100003" or "600 100" finds +34600100003, "garc" finds María García, and a misspelt name comes close
 * enough by word similarity. Only contacts with a conversation the viewer may see are found.
 */
export async function findContacts(options: FindContactsOptions): Promise<ContactHit[]> {
  const { viewer, query } = options;
  const params = new SqlParams();
  const firm = params.add(viewer.firmId);
  const pattern = params.add(containsPattern(query));
  const q = params.add(query);
  const digits = phoneDigits(query);
  const byDigits = digits ? `OR regexp_replace(i.address, '\\D', '', 'g') LIKE ${params.add(`%${digits}%`)}` : '';
  const visible = visibleConversationFilter(viewer, 'c', params.next);
  params.addAll(visible.params);
  const filters = filterSql(params, options.filters);
  const limit = params.add(options.limit);
  const visibleConversations = `FROM "Conversation" c LEFT JOIN "Matter" mt ON mt.id = c."matterId" JOIN "ChannelAccount" a ON a.id = c."accountId"
              WHERE c."identityId" = i.id AND ${visible.sql} ${filters}`;
  const rows = await options.pool.query<Omit<ContactHit, 'client'> & { clientId: string | null; clientName: string | null }>(
    `SELECT i.id AS "identityId", i.address, i."displayName", acc.kind AS channel, i.blocked,
            cl.id AS "clientId", cl.name AS "clientName",
            (SELECT json_agg(json_build_object('id', c.id, 'matterId', mt.id, 'matterNumber', mt.number)
                             ORDER BY c."lastMessageAt" DESC NULLS LAST, c.id) ${visibleConversations}) AS conversations
       FROM "ContactIdentity" i
       JOIN "ChannelAccount" acc ON acc.id = i."accountId"
       LEFT JOIN "Client" cl ON cl.id = i."clientId"
      WHERE i."firmId" = ${firm}
        AND (i.address ILIKE ${pattern} OR i."displayName" ILIKE ${pattern} OR cl.name ILIKE ${pattern}
             OR EXISTS (SELECT 1 FROM unnest(i.aliases) alias WHERE alias ILIKE ${pattern})
             OR ${q} <% i."displayName" OR ${q} <% cl.name ${byDigits})
        AND EXISTS (SELECT 1 ${visibleConversations})
      ORDER BY greatest(word_similarity(${q}, coalesce(i."displayName", '')), word_similarity(${q}, i.address)) DESC, i.id
      LIMIT ${limit}`,
    params.values,
  );
  return rows.rows.map(({ clientId, clientName, ...contact }) => ({ ...contact, client: clientId ? { id: clientId, name: clientName ?? '' } : null }));
}
