import { DateTime } from 'luxon';
import type { MatterSummary } from '../matter-file/matter-summary.js';
import type { TimelineItem } from '../matter-file/matter-timeline.js';
import { escapeHtml } from '../search/search-text.js';

// transcript.html: the matter's record as a person reads it, one self-contained page (no scripts, no remote assets),
// rendered a timeline item at a time.

export interface TranscriptContext {
  matter: MatterSummary;
  firmName: string;
  timeZone: string;
  exportedAt: Date;
  exportedBy: string;
  /** The ZIP path of each attachment that was included; absent ones are listed as missing. */
  mediaPaths: ReadonlyMap<string, string>;
}

const when = (at: Date | string, timeZone: string) => DateTime.fromJSDate(new Date(at)).setZone(timeZone).toFormat('yyyy-MM-dd HH:mm:ss ZZZZ');

export function transcriptHeader(context: TranscriptContext): string {
  const { matter } = context;
  const members = matter.members.map((member) => `${escapeHtml(member.name)} (${escapeHtml(member.role)})`).join(', ') || '—';
  const conversations = matter.conversations
    .map((c) => `<li>${escapeHtml(c.channel)} · ${escapeHtml(c.contact?.displayName ?? c.title ?? '')} ${escapeHtml(c.contact?.address ?? '')}${c.privilegeRisk ? ' · <strong>group with a third party (privilege risk)</strong>' : ''}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'none'">
<title>${escapeHtml(matter.number)} — ${escapeHtml(matter.title)}: messaging record</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:56rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.4rem;vertical-align:top}
td.when{white-space:nowrap;color:#555;width:13rem}td.who{width:12rem}.text{white-space:pre-wrap}
tr.inbound td.who{color:#0b5394}tr.event td{color:#555;font-size:90%}.missing{color:#a61c00}
</style></head><body>
<h1>${escapeHtml(matter.number)} — ${escapeHtml(matter.title)}</h1>
<p>${escapeHtml(context.firmName)} · client ${escapeHtml(matter.client.name)} · status ${escapeHtml(matter.status)}${matter.legalHold ? ' · <strong>on legal hold</strong>' : ''}</p>
<p>Members: ${members}</p>
<ul>${conversations}</ul>
<p>Exported ${escapeHtml(when(context.exportedAt, context.timeZone))} by ${escapeHtml(context.exportedBy)}. Times are in ${escapeHtml(context.timeZone)}. manifest.json lists the SHA-256 of every file of this export.</p>
<table>
`;
}

type Data = Record<string, unknown>;
const text = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value));
const person = (value: unknown): string => {
  const found = value as { name?: string; displayName?: string | null; address?: string } | null;
  return found ? (found.name ?? found.displayName ?? found.address ?? '') : '';
};

export function transcriptRow(item: TimelineItem, context: TranscriptContext): string {
  const data = item.data as Data;
  const at = `<td class="when">${escapeHtml(when(item.at, context.timeZone))}</td>`;
  switch (item.kind) {
    case 'message':
    case 'auto_reply': {
      const inbound = data.direction === 'inbound';
      const who = inbound ? person(data.contact) : item.kind === 'auto_reply' ? `Automatic (${text(data.purpose)})` : person(data.author);
      const edited = data.editedText ? `<div class="text"><em>edited:</em> ${escapeHtml(text(data.editedText))}</div>` : '';
      const marks = [data.deletedBySender ? 'deleted by sender' : '', data.afterHours ? 'after hours' : '', text(data.status)].filter(Boolean).join(' · ');
      return `<tr class="${inbound ? 'inbound' : 'outbound'}">${at}<td class="who">${escapeHtml(who)}</td><td><div class="text">${escapeHtml(text(data.text))}</div>${edited}<small>${escapeHtml(marks)}</small></td></tr>\n`;
    }
    case 'media': {
      const path = context.mediaPaths.get(item.id);
      const name = escapeHtml(text(data.fileName) || text(data.mimeType));
      const link = path ? `<a href="${escapeHtml(encodeURI(path))}" download rel="noopener noreferrer">${name}</a>` : `${name} <span class="missing">(not in this export; see manifest.json)</span>`;
      return `<tr class="event">${at}<td class="who">Media</td><td>${link}</td></tr>\n`;
    }
    case 'consent':
      return `<tr class="event">${at}<td class="who">Consent</td><td>${escapeHtml(`${text(data.from) || '—'} → ${text(data.to)} (${text(data.source)})${data.text ? `: “${text(data.text)}”` : ''}${data.note ? ` — ${text(data.note)}` : ''}`)}</td></tr>\n`;
    case 'note':
      return `<tr class="event note">${at}<td class="who">Internal note · ${escapeHtml(person(data.author))}</td><td><div class="text">${escapeHtml(text(data.text))}</div><small>not sent to the client</small></td></tr>\n`;
    case 'time_entry':
      return `<tr class="event">${at}<td class="who">Time · ${escapeHtml(person(data.user))}</td><td>${escapeHtml(`${text(data.hours)} h on ${text(data.date)} (${text(data.state)}): ${text(data.narrative)}`)}</td></tr>\n`;
    case 'assignment':
    case 'audit':
      return `<tr class="event">${at}<td class="who">${escapeHtml(person(data.actor) || text(data.actorKind))}</td><td>${escapeHtml(`${text(data.action)} ${text(data.details)}`)}</td></tr>\n`;
  }
}

export const transcriptFooter = (): string => '</table>\n</body></html>\n';
