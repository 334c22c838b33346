import type pg from 'pg';
import type { Viewer } from '../../core/access/viewer.js';
import { toCsv } from '../../core/review/review-csv.js';
import type { CsvColumn } from '../../core/review/review-csv.js';
import type { MessageHit } from '../../core/search/search-messages.js';
import { searchRecord } from '../../core/search/search-record.js';
import type { SearchRecordOptions } from '../../core/search/search-record.js';

/** The most rows one CSV holds; a search with more says so (x-matterline-truncated) and is narrowed with its filters. */
export const maxCsvRows = 2000;
const pageSize = 100;

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
/** The snippet as plain text: its <mark>s dropped, its entities read. */
export const snippetText = (html: string): string => html.replace(/<\/?mark>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity);

const columns: CsvColumn<MessageHit>[] = [
  { header: 'At (UTC)', value: (hit) => hit.at.toISOString() },
  { header: 'Matter', value: (hit) => hit.matter?.number ?? '' },
  { header: 'Matter title', value: (hit) => hit.matter?.title ?? '' },
  { header: 'Client', value: (hit) => hit.client?.name ?? '' },
  { header: 'Contact', value: (hit) => hit.contact?.displayName ?? '' },
  { header: 'Number', value: (hit) => hit.contact?.address ?? '' },
  { header: 'Channel', value: (hit) => hit.channel },
  { header: 'Direction', value: (hit) => (hit.direction === 'inbound' ? 'from the client' : 'from the firm') },
  { header: 'Written by', value: (hit) => hit.author?.name ?? '' },
  { header: 'Text around the match', value: (hit) => snippetText(hit.snippet) },
  { header: 'Matching files', value: (hit) => hit.attachments.map((a) => a.fileName).join('; ') },
  { header: 'Message id', value: (hit) => hit.messageId },
];

/**
 * A search's results as CSV, every page of them up to maxCsvRows, as the viewer may see them. Each page read is a
 * search of the record and audited as one (searchRecord), so the export leaves the same trail as reading it.
 */
export async function searchResultsCsv(options: Omit<SearchRecordOptions, 'limit' | 'cursor'> & { pool: pg.Pool; viewer: Viewer }): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const { hits, truncated } = await searchHits(options);
  return { csv: toCsv(columns, hits), rows: hits.length, truncated };
}

/** Every hit of a search, page by page (each page an audited search), up to maxCsvRows; truncated when there were more. */
export async function searchHits(options: Omit<SearchRecordOptions, 'limit' | 'cursor'> & { pool: pg.Pool; viewer: Viewer }): Promise<{ hits: MessageHit[]; truncated: boolean }> {
  const hits: MessageHit[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await searchRecord({ ...options, limit: pageSize, ...(cursor ? { cursor } : {}) });
    hits.push(...page.items);
    if (!page.nextCursor || hits.length >= maxCsvRows) {
      const truncated = hits.length > maxCsvRows || (page.nextCursor !== null && hits.length >= maxCsvRows);
      return { hits: hits.slice(0, maxCsvRows), truncated };
    }
    cursor = page.nextCursor;
  }
}
