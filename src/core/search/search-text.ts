// Pure pieces of search: what a query means for LIKE patterns and phone numbers, and how a snippet is shown.

/** Marks ts_headline puts around a hit: private-use characters, so that no text a client wrote can fake one. */
export const hitStart = '\uE000';
export const hitEnd = '\uE001';

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);

/** A LIKE pattern that finds `query` anywhere, with LIKE's own wildcards in the query taken literally. */
export function containsPattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The digits of a query that looks like (part of) a phone number, e.g. "+34 600-100", or null. Numbers are stored as
 * typed by the channel (+34600100003), so a fragment is matched on digits alone.
 */
export function phoneDigits(query: string): string | null {
  if (!/^[\d\s()+.-]+$/.test(query)) return null;
  const digits = query.replace(/\D/g, '');
  return digits.length >= 3 ? digits : null;
}

/** A snippet with its marks turned into <mark> and everything else escaped, safe to put into a page as HTML. */
export function snippetHtml(marked: string): string {
  let html = '';
  let open = false;
  for (const part of marked.split(/([\uE000\uE001])/)) {
    if (part === hitStart) {
      if (!open) html += '<mark>';
      open = true;
    } else if (part === hitEnd) {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += escapeHtml(part);
    }
  }
  return open ? `${html}</mark>` : html;
}

/**
 * A marked snippet for a hit that full-text search did not highlight (a partial word, found by trigrams): the first
 * place the query occurs, case-insensitively, with some words either side.
 */
export function partialSnippet(text: string, query: string, context = 60): string {
  const clean = text.replace(/[\uE000\uE001]/g, '');
  const at = clean.toLocaleLowerCase().indexOf(query.toLocaleLowerCase());
  if (at < 0) return clean.length > context * 2 ? `${clean.slice(0, context * 2)}…` : clean;
  const start = Math.max(0, at - context);
  const end = Math.min(clean.length, at + query.length + context);
  return `${start > 0 ? '…' : ''}${clean.slice(start, at)}${hitStart}${clean.slice(at, at + query.length)}${hitEnd}${clean.slice(at + query.length, end)}${end < clean.length ? '…' : ''}`;
}
