import type { DateRange } from './date-range.js';
import type { SqlParams } from './sql-params.js';
import { privilegedSql } from '../privilege/privileged-sql.js';

export const channelKinds = ['simulator', 'baileys', 'whatsapp_web', 'signal', 'whatsapp_cloud', 'twilio'] as const;
export type ChannelKindName = (typeof channelKinds)[number];

export interface SearchFilters {
  /** A matter's id or number. */
  matter?: string;
  /** A user id: messages of matters that person is on, and messages they wrote. */
  lawyer?: string;
  /** A client id: the client's matters and the client's own numbers. */
  client?: string;
  channel?: ChannelKindName;
  direction?: 'inbound' | 'outbound';
  /** 'exclude': leave out messages marked privileged (core/privilege). */
  privileged?: 'include' | 'exclude';
}

/**
 * The filters as SQL over the aliases c (Conversation), mt (its Matter, left-joined), a (ChannelAccount) and i (the
 * ContactIdentity, left-joined); with `message`, also m (Message) for direction, author and dates.
 */
export function filterSql(params: SqlParams, filters: SearchFilters, message?: { range: DateRange }): string {
  const parts: string[] = [];
  if (filters.matter !== undefined) {
    const matter = params.add(filters.matter);
    parts.push(`(mt.id = ${matter} OR mt.number = ${matter})`);
  }
  if (filters.client !== undefined) {
    const client = params.add(filters.client);
    parts.push(`(mt."clientId" = ${client} OR i."clientId" = ${client})`);
  }
  if (filters.lawyer !== undefined) {
    const lawyer = params.add(filters.lawyer);
    const member = `EXISTS (SELECT 1 FROM "MatterMember" fm WHERE fm."matterId" = c."matterId" AND fm."userId" = ${lawyer})`;
    parts.push(message ? `(m."authorUserId" = ${lawyer} OR ${member})` : member);
  }
  if (filters.channel !== undefined) parts.push(`a.kind = ${params.add(filters.channel)}::"ChannelKind"`);
  if (message) {
    if (filters.direction !== undefined) parts.push(`m.direction = ${params.add(filters.direction)}::"MessageDirection"`);
    if (filters.privileged === 'exclude') parts.push(`NOT EXISTS (${privilegedSql('m', 'c')})`);
    if (message.range.from) parts.push(`COALESCE(m."sentAt", m."capturedAt") >= ${params.add(message.range.from)}`);
    if (message.range.to) parts.push(`COALESCE(m."sentAt", m."capturedAt") < ${params.add(message.range.to)}`);
  }
  return parts.length > 0 ? parts.map((part) => `AND ${part}`).join('\n') : '';
}
