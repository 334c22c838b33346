// Dates, sizes, names and states as a person reads them.
import { h } from './dom.js';

/** @param {string | Date | null | undefined} value @param {string} [timeZone] */
export function dateTime(value, timeZone) {
  if (!value) return '';
  const date = new Date(value);
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    ...(timeZone ? { timeZone, timeZoneName: 'short' } : {}),
  }).format(date);
}

/** A short time for lists: the time today, else the date. @param {string | null | undefined} value */
export function shortTime(value) {
  if (!value) return '';
  const date = new Date(value);
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return new Intl.DateTimeFormat(undefined, sameDay ? { hour: 'numeric', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(date);
}

/** @param {number | null | undefined} bytes */
export function fileSize(bytes) {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** @type {Record<string, string>} */
export const consentLabels = {
  opted_in: 'Opted in',
  requested: 'Consent requested',
  unknown: 'No consent',
  opted_out: 'Opted out',
  blocked: 'Blocked',
};

/** @param {string | null | undefined} state */
export const consentLabel = (state) => (state ? (consentLabels[state] ?? state) : 'No contact');

/** The consent state as a coloured badge (the colour repeats what the words say). @param {string | null | undefined} state */
export const consentBadge = (state) => h('span', { class: `badge consent consent-${state ?? 'none'}` }, consentLabel(state));

/** The name a conversation goes by. @param {{title?: string|null, contact?: {displayName?: string|null, address?: string|null}|null}} conversation */
export function conversationName(conversation) {
  return conversation.contact?.displayName || conversation.title || conversation.contact?.address || 'Unknown contact';
}
