// Dates, sizes, names and states as a person reads them.

export function dateTime(value: string | Date | null | undefined, timeZone?: string): string {
  if (!value) return '';
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    ...(timeZone ? { timeZone, timeZoneName: 'short' } : {}),
  }).format(new Date(value));
}

/** A short time for lists: the time today, else the date. */
export function shortTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  const sameDay = date.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(undefined, sameDay ? { hour: 'numeric', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(date);
}

export function fileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export const consentLabels: Record<string, string> = {
  opted_in: 'Opted in',
  requested: 'Consent requested',
  unknown: 'No consent',
  opted_out: 'Opted out',
  blocked: 'Blocked',
};

export const consentLabel = (state: string | null | undefined): string => (state ? (consentLabels[state] ?? state) : 'No contact');

/** The name a conversation goes by. */
export function conversationName(conversation: {
  title?: string | null;
  contact?: { displayName?: string | null; address?: string | null } | null;
}): string {
  return conversation.contact?.displayName || conversation.title || conversation.contact?.address || 'Unknown contact';
}

/** A value for <input type="datetime-local"> in the browser's zone. */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
